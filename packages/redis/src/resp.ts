import type { RespValue } from "@cachify/core";
import { isReplyError } from "./reply-error.ts";

/**
 * ioredis parses simple strings (+OK) and bulk strings ($3 foo) into the same Buffer, so the RESP
 * type of a top-level string reply is read from the command: these commands answer with a status.
 * Only used when the reply is a Buffer, so a subcommand that answers with an integer or an array
 * is unaffected by being listed.
 */
const words = (s: string) => new Set(s.trim().split(/\s+/));

const STATUS_COMMANDS = words(`
  asking auth bgrewriteaof bgsave debug discard failover flushall flushdb hmset lset ltrim
  migrate mset multi pfmerge psetex quit readonly readwrite rename replicaof reset restore
  restore-asking save select setex shutdown slaveof swapdb type unwatch watch
`);

const STATUS_SUBCOMMANDS: Record<string, Set<string>> = {
  acl: words("deluser load log save setuser"),
  client: words("kill no-evict no-touch pause reply setinfo setname unpause"),
  cluster: words(
    "addslots addslotsrange bumpepoch delslots delslotsrange failover flushslots forget meet replicate reset saveconfig set-config-epoch setslot",
  ),
  config: words("resetstat rewrite set"),
  function: words("delete flush kill restore"),
  memory: words("purge"),
  module: words("load loadex unload"),
  script: words("flush kill"),
  slowlog: words("reset"),
  xgroup: words("create setid"),
};

/** True when the command's top-level string reply is a status (+OK), not a bulk string. */
export function repliesWithStatus(args: string[]): boolean {
  const name = (args[0] ?? "").toLowerCase();
  // SET answers +OK, or the old value as a bulk string with GET.
  if (name === "set") return !args.slice(3).some((a) => a.toLowerCase() === "get");
  // PING answers +PONG, or echoes its argument as a bulk string.
  if (name === "ping") return args.length === 1;
  if (STATUS_COMMANDS.has(name)) return true;
  return STATUS_SUBCOMMANDS[name]?.has((args[1] ?? "").toLowerCase()) ?? false;
}

/**
 * An ioredis reply (read with Buffers) as a RespValue. Bulk strings stay bytes; error replies
 * nested in an array (EXEC, scripts returning errors) become {type: "error"}; a top-level error is
 * thrown by ioredis before it gets here.
 */
export function toResp(reply: unknown, topLevelStatus = false): RespValue {
  if (reply === null || reply === undefined) return { type: "nil" };
  if (typeof reply === "number") return { type: "integer", value: reply };
  if (typeof reply === "bigint") return { type: "integer", value: Number(reply) };
  if (Buffer.isBuffer(reply) || reply instanceof Uint8Array) {
    const bytes = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
    // A status line cannot hold CR or LF; anything else is bytes.
    if (topLevelStatus && !bytes.includes(13) && !bytes.includes(10)) {
      return { type: "status", value: bytes.toString() };
    }
    return {
      type: "bulk",
      value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    };
  }
  if (Array.isArray(reply)) return { type: "array", value: reply.map((r) => toResp(r)) };
  if (isReplyError(reply)) return { type: "error", value: reply.message };
  if (typeof reply === "string") return { type: "bulk", value: new TextEncoder().encode(reply) };
  return { type: "bulk", value: new TextEncoder().encode(String(reply)) };
}
