import type { OperationSpec } from "./classify.ts";
import type { CommandDoc } from "./operation.ts";

/** Writes that leave the same state when repeated (safe to retry after an ambiguous outcome). */
const IDEMPOTENT_WRITES = new Set([
  "set",
  "mset",
  "del",
  "unlink",
  "expire",
  "pexpire",
  "expireat",
  "pexpireat",
  "persist",
  "hset",
  "hmset",
  "hdel",
  "sadd",
  "srem",
  "zrem",
  "xdel",
  "setex",
  "psetex",
]);

/** Keyless commands that wipe many keys at once: wildcard destructive, only through a plan. */
const WIPE_ALL = new Set(["flushdb", "flushall"]);

export interface RawSpec extends OperationSpec {
  command: string;
  /** Argument indexes (0 = the command name) that are keys, from the server's key positions. */
  keyIndexes: number[];
  /** Why the class was chosen, for the console and the audit. */
  reason: string;
}

/**
 * Classifies a raw command from the server's own command table (COMMAND INFO). Deny by default:
 * a command the server does not describe is treated as admin and never retried.
 */
export function classifyRaw(args: string[], doc: CommandDoc | undefined): RawSpec {
  const command = (args[0] ?? "").toLowerCase();
  if (!doc?.known) {
    return {
      command,
      class: "admin",
      idempotent: false,
      bulk: false,
      keyIndexes: [],
      reason: "unknown to the server's command table: treated as admin",
    };
  }
  const flags = new Set(doc.flags.map((f) => f.toLowerCase()));
  const cats = new Set(doc.categories.map((c) => c.toLowerCase()));
  const keyIndexes = keyPositions(doc, args.length);
  if (WIPE_ALL.has(command)) {
    return {
      command,
      class: "destructive",
      idempotent: true,
      bulk: true,
      keyIndexes,
      reason: "empties a whole database",
    };
  }
  if (flags.has("admin") || cats.has("@admin") || cats.has("@dangerous")) {
    return {
      command,
      class: "admin",
      idempotent: false,
      bulk: false,
      keyIndexes,
      reason: "admin or dangerous command",
    };
  }
  if (flags.has("write") || cats.has("@write")) {
    return {
      command,
      class: "write",
      idempotent: IDEMPOTENT_WRITES.has(command),
      bulk: false,
      keyIndexes,
      reason: "write command",
    };
  }
  if (flags.has("readonly") || cats.has("@read")) {
    return {
      command,
      class: "read",
      idempotent: true,
      bulk: false,
      keyIndexes,
      reason: "read-only command",
    };
  }
  // Connection and server commands that neither read nor write keys (PING, ECHO, TIME, INFO...).
  if (cats.has("@connection") || cats.has("@fast") || flags.has("loading") || flags.has("stale")) {
    return {
      command,
      class: "read",
      idempotent: true,
      bulk: false,
      keyIndexes,
      reason: "touches no data",
    };
  }
  return {
    command,
    class: "admin",
    idempotent: false,
    bulk: false,
    keyIndexes,
    reason: "unclassified: treated as admin",
  };
}

function keyPositions(doc: CommandDoc, argc: number): number[] {
  if (doc.firstKey <= 0) return [];
  const last = doc.lastKey < 0 ? argc + doc.lastKey : doc.lastKey;
  const out: number[] = [];
  for (let i = doc.firstKey; i <= last && i < argc; i += Math.max(1, doc.step)) out.push(i);
  return out;
}
