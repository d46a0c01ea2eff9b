import { badInput, type OperationOf, type OperationResults } from "@cachify/core";
import { Cluster, Command } from "ioredis";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { repliesWithStatus, toResp } from "../resp.ts";
import { sendBuffer } from "../send.ts";

/**
 * Commands the console refuses: every tab, workflow and the browser share one connection per
 * profile, and these would break it or take it over.
 */
const REFUSED: Record<string, string> = {
  select:
    "SELECT would switch the database of the connection every tab and workflow of this profile shares. Set the database in the profile instead.",
  monitor:
    "MONITOR turns the shared connection into an endless stream of every command the server runs (and can halve the server's throughput). Use redis-cli MONITOR in a terminal.",
  subscribe:
    "SUBSCRIBE puts the shared connection in subscriber mode, where it can run nothing else. Use redis-cli to listen to channels.",
  psubscribe:
    "PSUBSCRIBE puts the shared connection in subscriber mode, where it can run nothing else. Use redis-cli to listen to channels.",
  ssubscribe:
    "SSUBSCRIBE puts the shared connection in subscriber mode, where it can run nothing else. Use redis-cli to listen to channels.",
  unsubscribe: "The console never subscribes, so there is nothing to unsubscribe from.",
  punsubscribe: "The console never subscribes, so there is nothing to unsubscribe from.",
  sunsubscribe: "The console never subscribes, so there is nothing to unsubscribe from.",
  sync: "SYNC makes the shared connection a replication stream (a full copy of the data set).",
  psync: "PSYNC makes the shared connection a replication stream (a full copy of the data set).",
  quit: "QUIT would close the connection every tab of this profile shares. Close the console instead.",
  reset:
    "RESET would reset the shared connection's state (database, user, name) under every other tab of this profile.",
  hello:
    "HELLO switches the protocol or the user of the shared connection; the studio speaks RESP2 with the profile's user.",
  auth: "AUTH would change the user of the connection every tab of this profile shares. Change the username and password in the profile instead.",
  multi:
    "A transaction on the shared connection would capture the commands other tabs send meanwhile. The console runs one command at a time.",
  exec: "The console does not run transactions (MULTI/EXEC) on the shared connection.",
  discard: "The console does not run transactions (MULTI/EXEC) on the shared connection.",
  watch: "The console does not run transactions (WATCH/MULTI/EXEC) on the shared connection.",
  unwatch: "The console does not run transactions (WATCH/MULTI/EXEC) on the shared connection.",
};

/** Why a command is refused, or undefined when the console may run it. */
export function refusal(ctx: RedisContext, args: string[]): string | undefined {
  const name = (args[0] ?? "").toLowerCase();
  const why = REFUSED[name];
  if (why) return why;
  const sub = (args[1] ?? "").toLowerCase();
  if (name === "client" && sub === "reply") {
    return "CLIENT REPLY OFF/SKIP would stop the server answering on the shared connection, and every later reply would go to the wrong request.";
  }
  if (name === "client" && sub === "kill") {
    const own = ownAddresses(ctx);
    // Old form: CLIENT KILL ip:port kills that one connection, ours included.
    if (args.length === 3 && own.has(args[2]!)) {
      return `CLIENT KILL ${args[2]} is the studio's own connection to this server: killing it would cut every tab of this profile.`;
    }
    // New form: SKIPME yes (the default) always spares the calling connection; "no" may not.
    const skipme = args.findIndex((a, i) => i >= 2 && a.toLowerCase() === "skipme");
    if (skipme >= 0 && (args[skipme + 1] ?? "").toLowerCase() === "no") {
      return "CLIENT KILL ... SKIPME no may kill the studio's own connection, which every tab of this profile shares. Leave SKIPME at yes (the default).";
    }
  }
  return undefined;
}

/** ip:port of each of our sockets as the server sees it (CLIENT LIST addr). */
function ownAddresses(ctx: RedisContext): Set<string> {
  const nodes = ctx.client instanceof Cluster ? ctx.client.nodes() : [ctx.client];
  const out = new Set<string>();
  for (const n of nodes) {
    const s = (n as unknown as { stream?: { localAddress?: string; localPort?: number } }).stream;
    if (s?.localAddress && s.localPort) {
      out.add(`${s.localAddress.replace(/^::ffff:/, "")}:${s.localPort}`);
      out.add(`${s.localAddress}:${s.localPort}`);
    }
  }
  return out;
}

/**
 * Runs a console command as typed, binary-safe. The name is sent upper-case on purpose: ioredis
 * keys its argument and reply rewriting (HGETALL into an object, HSET/MSET from objects) and its
 * subscriber/monitor modes by the lower-case name, and the console wants the server's reply as is
 * (the modes it would switch on are refused above).
 */
export async function raw(
  ctx: RedisContext,
  op: OperationOf<"raw">,
): Promise<OperationResults["raw"]> {
  if (op.args.length === 0) throw badInput("Type a command, e.g. GET mykey.");
  const text = op.args.map((a) => Buffer.from(a).toString());
  const why = refusal(ctx, text);
  if (why) throw badInput(`The console does not run ${text[0]!.toUpperCase()}: ${why}`);
  const name = text[0]!.toUpperCase();
  const args = op.args.slice(1).map(buf);
  // In a cluster ioredis routes by the first key of the commands it knows. For the rest (keyless
  // commands such as DBSIZE or CONFIG, and subcommands whose key it cannot find, e.g. MEMORY
  // USAGE) we pick the primary that owns slot 0, always the same one so that CONFIG GET then
  // CONFIG SET talk to one node; a command that does have a key elsewhere is answered MOVED and
  // ioredis follows the redirection.
  const keyless = ctx.client instanceof Cluster && new Command(name, [...args]).getSlot() == null;
  const reply = await sendBuffer(ctx.client, name, args, keyless ? { slot: 0 } : {});
  return { reply: toResp(reply, repliesWithStatus(text)) };
}
