import {
  badInput,
  type Capabilities,
  type Confirmation,
  type ConnectionProfile,
  keyFromText,
  type OperationGate,
  type Origin,
} from "@cachify/core";
import { consoleText, replyToJson } from "./resp-format.ts";

/** Splits a console line like redis-cli does: spaces separate, quotes group, \xHH escapes. */
export function splitCommandLine(line: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    const bytes: number[] = [];
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : undefined;
    for (;;) {
      if (i >= line.length) {
        if (quote) throw badInput(`Unbalanced ${quote} in the command: close the quote.`);
        break;
      }
      const c = line[i]!;
      if (quote && c === quote) {
        i++;
        break;
      }
      if (!quote && (c === " " || c === "\t")) break;
      if (quote === '"' && c === "\\" && i + 1 < line.length) {
        const n = line[i + 1]!;
        if (n === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          bytes.push(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        const esc: Record<string, number> = { n: 10, r: 13, t: 9, "\\": 92, '"': 34 };
        if (esc[n] !== undefined) {
          bytes.push(esc[n]);
          i += 2;
          continue;
        }
      }
      bytes.push(...keyFromText(c));
      i++;
    }
    out.push(new Uint8Array(bytes));
  }
  return out;
}

/** What the console needs: the gate, and whether the profile's engine has a console. */
export interface ConsoleDeps {
  gate: Pick<OperationGate, "run">;
  capabilities: (profile: ConnectionProfile) => Capabilities;
}

/** The console: one raw command through the gate, classified from the server's command table. */
export async function runConsoleCommand(
  deps: ConsoleDeps,
  profile: ConnectionProfile,
  args: Uint8Array[],
  origin: Origin,
  confirmation: Confirmation | undefined,
) {
  const caps = deps.capabilities(profile);
  if (!caps.console) {
    throw badInput(caps.reasons.console ?? `${profile.engine} has no command console.`);
  }
  if (args.length === 0) throw badInput("Type a command, e.g. GET mykey.");
  const { reply } = await deps.gate.run(
    profile,
    { kind: "raw", args },
    { origin, ...(confirmation ? { confirmation } : {}) },
  );
  const words = args.slice(0, 2).map((a) => new TextDecoder().decode(a));
  return { reply: replyToJson(reply), text: consoleText(reply, words) };
}
