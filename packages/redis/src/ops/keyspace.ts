import type { KeyspaceFeed, KeyspaceNotification, KeyspaceSubscription } from "@cachify/core";
import type { Redis } from "ioredis";
import { nodeAddress, type RedisContext } from "../context.ts";
import { sendBuffer } from "../send.ts";

const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString() : String(v ?? ""));

/** Event classes of notify-keyspace-events (K and E only say where they are published). */
const CLASSES = /[g$lshzxetmdnA]/;

/**
 * Keyspace notifications, read-only: CONFIG GET notify-keyspace-events on every primary, and only
 * when the server already publishes them, a PSUBSCRIBE on a dedicated connection per primary
 * (notifications are per node). We never switch them on: that is the server owner's choice, and
 * they cost the server work on every write.
 */
export async function keyspaceEvents(ctx: RedisContext, db: number): Promise<KeyspaceFeed> {
  const nodes = ctx.primaries();
  const flags: string[] = [];
  for (const node of nodes) {
    try {
      const reply = (await sendBuffer(node, "CONFIG", [
        "GET",
        "notify-keyspace-events",
      ])) as unknown[];
      flags.push(text(reply[1]));
    } catch (e) {
      return {
        enabled: false,
        reason: `cannot read notify-keyspace-events on ${nodeAddress(node)} (${(e as Error).message}); the live keyspace view needs CONFIG GET`,
      };
    }
  }
  const f = flags[0] ?? "";
  const publishes = (x: string) => CLASSES.test(x) && /[KE]/.test(x);
  if (!flags.every(publishes)) {
    return {
      enabled: false,
      flags: f,
      reason: `keyspace notifications are off on this server (notify-keyspace-events is "${f}"). Cachify does not switch them on: they cost the server work on every write. To see live key events, set it on the server, e.g. CONFIG SET notify-keyspace-events KEA`,
    };
  }
  const subscription = new FeedSubscription();
  try {
    await Promise.all(
      nodes.map((node, i) => subscription.add(node, db, flags[i]!, nodes.length > 1)),
    );
  } catch (e) {
    await subscription.close();
    throw e;
  }
  return { enabled: true, flags: f, subscription };
}

class FeedSubscription implements KeyspaceSubscription {
  private readonly connections: Redis[] = [];
  private readonly listeners: ((n: KeyspaceNotification) => void)[] = [];
  private readonly endListeners: ((reason: string) => void)[] = [];
  private closed = false;
  private ended = false;

  async add(node: Redis, db: number, flags: string, named: boolean): Promise<void> {
    // Keyevent channels carry the key as the message; keyspace channels carry it in the name.
    const byEvent = flags.includes("E");
    const prefix = byEvent ? `__keyevent@${db}__:` : `__keyspace@${db}__:`;
    const sub = node.duplicate({ lazyConnect: true, connectionName: "cachify-studio-events" });
    this.connections.push(sub);
    const where = nodeAddress(node);
    sub.on("error", () => {});
    sub.on("end", () => this.end(`the event connection to ${where} closed`));
    sub.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer, message: Buffer) => {
      const name = channel.subarray(prefix.length);
      const n: KeyspaceNotification = byEvent
        ? { event: name.toString(), key: new Uint8Array(message), db }
        : { event: message.toString(), key: new Uint8Array(name), db };
      if (named) n.node = where;
      for (const l of this.listeners) l(n);
    });
    await sub.connect();
    await sub.psubscribe(`${prefix}*`);
  }

  onEvent(listener: (n: KeyspaceNotification) => void): void {
    this.listeners.push(listener);
  }

  onEnd(listener: (reason: string) => void): void {
    this.endListeners.push(listener);
  }

  private end(reason: string): void {
    if (this.closed || this.ended) return;
    this.ended = true;
    for (const l of this.endListeners) l(reason);
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.connections) c.disconnect(false);
  }
}
