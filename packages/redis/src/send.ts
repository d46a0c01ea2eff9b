import { Command, type Redis } from "ioredis";
import type { RedisClient } from "./connection.ts";

/**
 * Sends one command and resolves with the reply read as Buffers. Not `callBuffer`: with
 * auto-pipelining on (our cluster client) ioredis 5 drops the command name of `call`/`callBuffer`
 * and sends the first argument as the command ("COMMAND INFO get" goes out as "INFO get").
 * Upper-case names also keep ioredis' reply rewriting (HGETALL into an object) out of the way.
 * A Command with a slot set is routed to that slot's primary in a cluster.
 */
export function sendBuffer(
  client: RedisClient | Redis,
  name: string,
  args: (string | Buffer | number)[],
  options: { slot?: number } = {},
): Promise<unknown> {
  const command = new Command(name.toUpperCase(), args, { replyEncoding: null });
  if (options.slot !== undefined) (command as unknown as { slot: number }).slot = options.slot;
  client.sendCommand(command);
  return command.promise;
}
