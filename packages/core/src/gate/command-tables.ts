import { CachifyError } from "../common/errors.ts";
import type { Origin } from "../history/event.ts";
import { classify, type OperationSpec } from "../operations/classify.ts";
import type { CommandDoc, Operation } from "../operations/operation.ts";
import { classifyRaw, type RawSpec } from "../operations/raw-classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

/** Asks the server's COMMAND INFO (through the gate: it is an operation like any other). */
type AskCommandInfo = (
  profile: ConnectionProfile,
  names: string[],
  origin: Origin,
) => Promise<(CommandDoc | undefined)[]>;

/**
 * The classify stage's memory: each profile's COMMAND INFO answers, asked once per command and
 * kept, so a console command is classified from the server's own table without a round trip.
 */
export class CommandTables {
  private readonly docs = new Map<string, Map<string, CommandDoc>>();

  constructor(private readonly ask: AskCommandInfo) {}

  async classify(
    profile: ConnectionProfile,
    op: Operation,
    origin: Origin,
  ): Promise<OperationSpec | RawSpec> {
    if (op.kind !== "raw") return classify(op);
    const args = op.args.map((a) => new TextDecoder().decode(a));
    const name = (args[0] ?? "").toLowerCase();
    if (name === "") throw new CachifyError("bad-input", "Type a command, e.g. GET mykey.");
    let docs = this.docs.get(profile.id);
    if (!docs) {
      docs = new Map();
      this.docs.set(profile.id, docs);
    }
    const doc = await this.doc(profile, docs, name, origin);
    // A container (CONFIG, CLIENT, SCRIPT...) is classified by its subcommand's own entry.
    const sub = (args[1] ?? "").toLowerCase();
    const subDoc =
      doc?.subcommands?.includes(sub) === true
        ? await this.doc(profile, docs, `${name}|${sub}`, origin)
        : undefined;
    return classifyRaw(args, doc, subDoc);
  }

  private async doc(
    profile: ConnectionProfile,
    docs: Map<string, CommandDoc>,
    name: string,
    origin: Origin,
  ): Promise<CommandDoc | undefined> {
    if (!docs.has(name)) {
      const [doc] = await this.ask(profile, [name], origin);
      if (doc) docs.set(name, doc);
    }
    return docs.get(name);
  }
}
