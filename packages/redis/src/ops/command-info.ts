import type { CommandDoc, OperationOf, OperationResults } from "@cachify/core";
import type { RedisContext } from "../context.ts";
import { sendBuffer } from "../send.ts";

/** A COMMAND INFO entry with what redaction also needs: movable keys and subcommands. */
export interface CommandEntry {
  doc: CommandDoc;
  /** Key positions depend on other arguments (EVAL numkeys, XREAD STREAMS, SORT ... STORE). */
  movableKeys: boolean;
  /** Redis 7 container commands (CONFIG, MEMORY, XINFO...): "set" → the CONFIG SET entry. */
  subcommands: Map<string, CommandEntry>;
}

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString() : String(v ?? ""));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : []);
const int = (v: unknown): number => (typeof v === "number" ? v : Number(text(v)) || 0);

function unknownDoc(name: string): CommandDoc {
  return { name, flags: [], categories: [], firstKey: 0, lastKey: 0, step: 0, known: false };
}

/** A key spec (RESP2: a flat list of name, value pairs): its "flags" value. */
function keySpecFlags(spec: unknown): string[] {
  if (!Array.isArray(spec)) return [];
  for (let i = 0; i + 1 < spec.length; i += 2) {
    if (text(spec[i]) === "flags") return list(spec[i + 1]).map((f) => f.toUpperCase());
  }
  return [];
}

/**
 * One COMMAND INFO entry: [name, arity, flags, first key, last key, step, ACL categories (Redis
 * 6+), tips, key specs, subcommands (both Redis 7)]. Nil for a command the server does not know.
 */
export function parseCommandEntry(requested: string, raw: unknown): CommandEntry {
  if (!Array.isArray(raw) || raw.length < 6) {
    return { doc: unknownDoc(requested), movableKeys: false, subcommands: new Map() };
  }
  const flags = list(raw[2]);
  const doc: CommandDoc = {
    name: text(raw[0]).toLowerCase(),
    flags,
    categories: list(raw[6]),
    firstKey: int(raw[3]),
    lastKey: int(raw[4]),
    step: int(raw[5]),
    known: true,
  };
  if (Array.isArray(raw[8])) doc.keySpecFlags = (raw[8] as unknown[]).map(keySpecFlags);
  const subcommands = new Map<string, CommandEntry>();
  if (Array.isArray(raw[9])) {
    for (const sub of raw[9] as unknown[]) {
      if (!Array.isArray(sub)) continue;
      const full = text(sub[0]).toLowerCase();
      const entry = parseCommandEntry(full, sub);
      subcommands.set(full.slice(full.indexOf("|") + 1), entry);
    }
    doc.subcommands = [...subcommands.keys()];
  }
  return { doc, movableKeys: flags.includes("movablekeys"), subcommands };
}

/** COMMAND INFO name... on any node (the command table is the same on every node). */
export async function fetchCommandEntries(
  ctx: RedisContext,
  names: string[],
): Promise<CommandEntry[]> {
  if (names.length === 0) return [];
  const reply = (await sendBuffer(ctx.client, "COMMAND", ["INFO", ...names])) as unknown[];
  return names.map((n, i) => parseCommandEntry(n.toLowerCase(), reply[i]));
}

/** The commandInfo operation: no caching here, the gate keeps the answers per profile. */
export async function commandInfo(
  ctx: RedisContext,
  op: OperationOf<"commandInfo">,
): Promise<OperationResults["commandInfo"]> {
  return (await fetchCommandEntries(ctx, op.names)).map((e) => e.doc);
}

/**
 * Key positions of the commands seen in the slowlog, fetched once per command name for the life
 * of the provider. A failed lookup is forgotten, so the next read asks again.
 */
export class CommandTable {
  private readonly entries = new Map<string, Promise<CommandEntry>>();

  constructor(private readonly fetch: (names: string[]) => Promise<CommandEntry[]>) {}

  get(name: string): Promise<CommandEntry> {
    const key = name.toLowerCase();
    let p = this.entries.get(key);
    if (!p) {
      p = this.fetch([key]).then(([e]) => e!);
      p.catch(() => this.entries.delete(key));
      this.entries.set(key, p);
    }
    return p;
  }
}

/**
 * Argument indexes (0 = command name) that are keys, from first/last/step. A negative last key
 * counts from the end (-1: the last argument).
 */
export function keyIndexes(doc: CommandDoc, argc: number): number[] {
  if (!doc.known || doc.firstKey <= 0) return [];
  const last = doc.lastKey < 0 ? argc + doc.lastKey : doc.lastKey;
  const out: number[] = [];
  for (let i = doc.firstKey; i <= last && i < argc; i += Math.max(1, doc.step)) out.push(i);
  return out;
}
