import { badInput, displayKey, type SlowlogEntry } from "@cachify/core";
import type { Redis } from "ioredis";
import { nodeAddress, type RedisContext } from "../context.ts";
import { sendBuffer } from "../send.ts";
import { type CommandEntry, type CommandTable, keyIndexes } from "./command-info.ts";

/**
 * Commands whose arguments are credentials: only the name is kept
 * (docs/design/safety.md#redaction).
 */
const CREDENTIALS = new Set(["auth", "hello"]);
/** Redis shortens long arguments to 128 bytes plus this suffix (SLOWLOG_ENTRY_MAX_STRING). */
const TRUNCATED = /\.\.\. \((\d+) more bytes\)$/;
/** ...and keeps at most 32 arguments, the last one saying how many were dropped. */
const MORE_ARGS = /^\.\.\. \(\d+ more arguments\)$/;

/**
 * SLOWLOG GET from every primary (standalone: the one server), newest first, at most `count`.
 * Arguments are redacted: the command name and key names stay, every other argument becomes
 * "<N bytes>"; AUTH and HELLO keep only their name.
 */
export async function slowlog(
  ctx: RedisContext,
  table: CommandTable,
  count: number,
): Promise<SlowlogEntry[]> {
  if (!Number.isSafeInteger(count) || count < 1 || count > 10_000) {
    throw badInput(`count must be between 1 and 10000, got ${count}.`);
  }
  const perNode = await Promise.all(ctx.primaries().map((node) => readNode(table, node, count)));
  return perNode
    .flat()
    .sort((a, b) => b.ts - a.ts || b.id - a.id)
    .slice(0, count);
}

async function readNode(table: CommandTable, node: Redis, count: number): Promise<SlowlogEntry[]> {
  const raw = (await sendBuffer(node, "SLOWLOG", ["GET", count])) as unknown[];
  const where = nodeAddress(node);
  return Promise.all(
    raw.filter(Array.isArray).map(async (e: unknown[]) => {
      const [id, ts, micros, args, addr, name] = e;
      const sent = Array.isArray(args) ? (args as Buffer[]) : [];
      const keys: { at: number; key: Uint8Array }[] = [];
      const entry: SlowlogEntry = {
        id: Number(id),
        ts: Number(ts) * 1000,
        durationMicros: Number(micros),
        command: await redact(table, node, sent, (at) => keys.push({ at, key: sent[at]! })),
        node: where,
      };
      // Not enumerable: the key bytes are for redaction rules, never for a JSON answer.
      if (keys.length > 0) Object.defineProperty(entry, "keys", { value: keys });
      const client = [addr, name]
        .map((v) => (Buffer.isBuffer(v) ? v.toString() : ""))
        .filter(Boolean);
      if (client.length > 0) entry.client = client.join(" ");
      return entry;
    }),
  );
}

/** Byte length of an argument as the client sent it (before Redis shortened it). */
function sentLength(arg: Buffer): number {
  const m = TRUNCATED.exec(arg.toString("latin1"));
  return m ? 128 + Number(m[1]) : arg.length;
}

export async function redact(
  table: CommandTable,
  node: Redis,
  args: Buffer[],
  onKey?: (index: number) => void,
): Promise<string[]> {
  if (args.length === 0) return [];
  const name = args[0]!.toString();
  if (CREDENTIALS.has(name.toLowerCase())) return [name];
  let entry: CommandEntry | undefined;
  try {
    entry = await table.get(name);
  } catch {
    entry = undefined;
  }
  const kept = new Set<number>([0]);
  // A container command (CONFIG SET, MEMORY USAGE): the subcommand name is not a value, and its
  // own entry has the key positions.
  const sub = args[1] ? entry?.subcommands.get(args[1].toString().toLowerCase()) : undefined;
  if (sub) {
    kept.add(1);
    entry = sub;
  }
  if (entry?.doc.known) {
    for (const i of keyIndexes(entry.doc, args.length)) kept.add(i);
    if (entry.movableKeys) for (const i of await movableKeys(node, args)) kept.add(i);
  }
  const subIndex = sub ? 1 : 0;
  return args.map((arg, i) => {
    if (i <= subIndex) return arg.toString();
    if (kept.has(i)) {
      onKey?.(i);
      return displayKey(arg);
    }
    if (i === 31 && MORE_ARGS.test(arg.toString())) return arg.toString();
    return `<${sentLength(arg)} bytes>`;
  });
}

/**
 * Keys of a command whose key positions depend on its arguments (EVAL numkeys, XREAD STREAMS):
 * COMMAND GETKEYS on the logged arguments. Not possible when Redis shortened the entry.
 */
async function movableKeys(node: Redis, args: Buffer[]): Promise<number[]> {
  const shortened = args.some(
    (a, i) => TRUNCATED.test(a.toString("latin1")) || (i === 31 && MORE_ARGS.test(a.toString())),
  );
  if (shortened) return [];
  try {
    const keys = (await sendBuffer(node, "COMMAND", ["GETKEYS", ...args])) as Buffer[];
    const out: number[] = [];
    for (let i = 1; i < args.length; i++) {
      if (keys.some((k) => k.equals(args[i]!))) out.push(i);
    }
    return out;
  } catch {
    return [];
  }
}
