import type { OperationSpec } from "./classify.ts";
import type { CommandDoc } from "./operation.ts";
import { isIntrospection } from "./raw-introspection.ts";

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

/**
 * Scripts and functions run code that can change any key, whatever keys they declare; the
 * command table does not flag them as writes. Their `_ro` variants are flagged readonly and stay
 * reads (the server refuses a write from them).
 */
const CODE_RUNNERS = new Set(["eval", "evalsha", "fcall", "script", "function"]);
/** Sends a message to every subscriber: not a key change, but not undoable either. */
const PUBLISHERS = new Set(["publish", "spublish"]);
/** Key spec flags that say a key may be changed, created or deleted. */
const KEY_WRITE_FLAGS = new Set(["RW", "OW", "RM", "INSERT", "UPDATE", "DELETE"]);

export interface RawSpec extends OperationSpec {
  /** The command as shown: "get", or "config get" for a subcommand. */
  command: string;
  /** Argument indexes (0 = the command name) that are keys, from the server's key positions. */
  keyIndexes: number[];
  /** Why the class was chosen, for the console, the confirmation and the audit. */
  reason: string;
  /** The change cannot be snapshotted (its keys are not known beforehand): no undo. */
  noUndo?: true;
}

/**
 * Classifies a raw command from the server's own command table (COMMAND INFO). Deny by default:
 * a command is a read only when the table says it is read-only and none of its key specs writes,
 * or when it is a known introspection form (INFO, CONFIG GET...); a command or subcommand the
 * server does not describe, or that the rules do not understand, is admin and never retried.
 * `sub` is the subcommand's own entry (CONFIG GET → "config|get") for container commands.
 */
export function classifyRaw(
  args: string[],
  doc: CommandDoc | undefined,
  sub?: CommandDoc,
): RawSpec {
  const name = (args[0] ?? "").toLowerCase();
  const subName = (args[1] ?? "").toLowerCase();
  const container = (doc?.subcommands?.length ?? 0) > 0;
  const command = container && subName ? `${name} ${subName}` : name;
  const spec = (cls: RawSpec["class"], reason: string, extra: Partial<RawSpec> = {}): RawSpec => ({
    command,
    class: cls,
    idempotent: cls === "read",
    bulk: false,
    keyIndexes: [],
    reason,
    ...extra,
  });
  if (!doc?.known) return spec("admin", "unknown to the server's command table: treated as admin");
  // A container's own entry says nothing about what its subcommand does: classify the subcommand.
  const entry = container && subName ? sub : doc;
  if (!entry?.known) {
    return spec(
      "admin",
      `subcommand ${subName.toUpperCase()} is unknown to the server's command table: treated as admin`,
    );
  }
  const introspection = isIntrospection(name, subName, args, container);
  const d = entry;
  const flags = new Set(d.flags.map((f) => f.toLowerCase()));
  const cats = new Set(d.categories.map((c) => c.toLowerCase()));
  const keyIndexes = keyPositions(d, args.length);

  if (WIPE_ALL.has(name)) {
    return spec("destructive", "empties a whole database", {
      idempotent: true,
      bulk: true,
      keyIndexes,
    });
  }
  const readonly = flags.has("readonly") && !flags.has("write");
  if (CODE_RUNNERS.has(name) && !(readonly || introspection)) {
    return spec(
      "write",
      "a script or function can change any key, whatever it declares: it has no undo",
      {
        noUndo: true,
      },
    );
  }
  if (PUBLISHERS.has(name)) {
    return spec("write", "publishes a message to the channel's subscribers: it has no undo", {
      noUndo: true,
    });
  }
  const keyWrites = (d.keySpecFlags ?? []).some((f) => f.some((x) => KEY_WRITE_FLAGS.has(x)));
  if (flags.has("write") || cats.has("@write") || flags.has("may_replicate") || keyWrites) {
    return spec("write", "changes data (the server's command table and key specs say so)", {
      idempotent: IDEMPOTENT_WRITES.has(name),
      keyIndexes,
      // Keys the table cannot place (movable, e.g. SORT ... STORE) are not snapshotted.
      ...(keyIndexes.length === 0 || flags.has("movablekeys") ? { noUndo: true as const } : {}),
    });
  }
  if (readonly) return spec("read", "read-only command", { keyIndexes });
  if (introspection) {
    return spec("read", "reads server state, changes nothing", { keyIndexes });
  }
  if (flags.has("admin") || cats.has("@admin") || cats.has("@dangerous")) {
    return spec("admin", "admin or dangerous command");
  }
  return spec("admin", "not known to change nothing: treated as admin");
}

function keyPositions(doc: CommandDoc, argc: number): number[] {
  if (doc.firstKey <= 0) return [];
  const last = doc.lastKey < 0 ? argc + doc.lastKey : doc.lastKey;
  const out: number[] = [];
  for (let i = doc.firstKey; i <= last && i < argc; i += Math.max(1, doc.step)) out.push(i);
  return out;
}
