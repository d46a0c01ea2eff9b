import type { Redis } from "ioredis";
import type { RedisClient } from "./connection.ts";

/** What the operation modules need from the provider: the client and the cluster topology. */
export interface RedisContext {
  readonly client: RedisClient;
  readonly cluster: boolean;
  /** Every primary (standalone: the one server), in a stable order. */
  primaries(): Redis[];
  /** The primary that owns a key's slot (standalone: the one server). */
  nodeFor(key: Buffer): Redis;
  /**
   * The gate ticket's deadline (ms since epoch) and abort signal for the operation under way:
   * work that waits and retries inside one operation (cluster redirects) stops by them.
   */
  deadline?: number;
  signal?: AbortSignal;
}

export function nodeId(n: Redis): string {
  return `${n.options.host}:${n.options.port}`;
}

/**
 * host:port of the server a connection talks to. Behind Sentinel the options name the sentinel
 * lookup, not the primary: use the socket's peer there.
 */
export function nodeAddress(n: Redis): string {
  const stream = (n as unknown as { stream?: { remoteAddress?: string; remotePort?: number } })
    .stream;
  if (n.options.sentinels && stream?.remoteAddress) {
    return `${stream.remoteAddress}:${stream.remotePort}`;
  }
  return nodeId(n);
}

/** The time budget of the operation under way (the gate ticket's), for work that retries. */
export function budgetOf(ctx: RedisContext): {
  deadline: number;
  signal?: AbortSignal | undefined;
} {
  return { deadline: ctx.deadline ?? Date.now() + 5000, signal: ctx.signal };
}
