import {
  assertTicket,
  type CacheProvider,
  type Capabilities,
  type ConnectionProfile,
  type EngineStats,
  type GateTicket,
  type KeyInfo,
  type Operation,
  type OperationResults,
  type ResultOf,
  type ScanPage,
  type ValueType,
} from "@cachify/core";
import slotOf from "cluster-key-slot";
import { Cluster, type Redis } from "ioredis";
import { createClient, destroyClient, ensureConnected, type RedisClient } from "./connection.ts";
import { mapRedisError } from "./errors.ts";
import { keysInDb, parseInfo } from "./info.ts";
import { checkCursor, scanCluster, scanNode } from "./scan.ts";

const TYPES: ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];

function asType(t: string): ValueType {
  return (TYPES as string[]).includes(t) ? (t as ValueType) : t === "none" ? "none" : "unknown";
}

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class RedisProvider implements CacheProvider {
  private client: RedisClient;
  private readonly connection: { p?: Promise<void>; lastError?: Error } = {};

  constructor(readonly profile: ConnectionProfile) {
    this.client = this.newClient();
  }

  private newClient(): RedisClient {
    const client = createClient(this.profile);
    // Keep the cause of a failed connect; without a listener ioredis would also log to stderr.
    client.on("error", (e: Error) => {
      this.connection.lastError = e;
    });
    return client;
  }

  /**
   * The gate gave up on an operation (timeout or cancel). Destroying the connection fails what is
   * still pending on it, so nothing keeps waiting on a server that does not answer; the next
   * operation connects afresh.
   */
  private reset(): void {
    const old = this.client;
    this.client = this.newClient();
    this.connection.p = undefined;
    destroyClient(old);
  }

  capabilities(): Capabilities {
    return {
      engine: "redis",
      scan: true,
      types: TYPES,
      ttlRead: true,
      ttlWrite: true,
      dumpRestore: true,
      keyListing: "exact",
      stats: true,
      cluster: this.profile.mode === "cluster",
      reasons: {},
    };
  }

  async execute<O extends Operation>(op: O, ticket: GateTicket): Promise<ResultOf<O>> {
    assertTicket(ticket);
    const where = `${op.kind} on "${this.profile.name}"`;
    let sent = false;
    const onAbort = () => this.reset();
    ticket.signal.addEventListener("abort", onAbort, { once: true });
    try {
      await ensureConnected(this.client, this.connection);
      sent = true;
      return (await this.run(op)) as ResultOf<O>;
    } catch (e) {
      throw mapRedisError(e, where, sent);
    } finally {
      ticket.signal.removeEventListener("abort", onAbort);
    }
  }

  private async run(op: Operation): Promise<OperationResults[Operation["kind"]]> {
    const c = this.client;
    switch (op.kind) {
      case "ping": {
        const t = performance.now();
        await c.ping();
        return { latencyMs: performance.now() - t };
      }
      case "stats":
        return this.stats();
      case "scan":
        return this.scan(op);
      case "describe":
        return this.describe(op.keys);
      case "get": {
        const key = buf(op.key);
        const [type, pttl, value] = await Promise.all([
          c.type(key),
          c.pttl(key),
          c.getBuffer(key).catch(() => null),
        ]);
        const t = asType(type);
        const read: OperationResults["get"] = { key: op.key, type: t, ttlMs: pttl };
        if (t === "string" && value) {
          read.value = value;
          read.sizeBytes = value.length;
        }
        return read;
      }
      case "set": {
        const key = buf(op.key);
        const value = buf(op.value);
        if (op.ttlSeconds !== undefined && op.ttlSeconds > 0)
          await c.set(key, value, "EX", op.ttlSeconds);
        else await c.set(key, value);
        return { written: true };
      }
      case "delete": {
        // One UNLINK per key: in a cluster keys live in different slots, and auto-pipelining
        // still sends them in one round trip per node.
        const counts = await Promise.all(op.keys.map((k) => c.unlink(buf(k))));
        return { deleted: counts.reduce((a, b) => a + b, 0) };
      }
      case "expire": {
        const key = buf(op.key);
        const r = op.ttlSeconds < 0 ? await c.persist(key) : await c.expire(key, op.ttlSeconds);
        return { applied: r === 1 };
      }
    }
  }

  private primaries(): Redis[] {
    const c = this.client;
    if (!(c instanceof Cluster)) return [c];
    // Stable order so a composite cursor means the same node on the next page.
    return c.nodes("master").sort((a, b) => nodeId(a).localeCompare(nodeId(b)));
  }

  /**
   * The connection that owns a key. Cluster routing needs the key's position in the command, which
   * ioredis does not know for subcommands such as MEMORY USAGE, so we route those by slot.
   */
  private nodeFor(key: Buffer): Redis {
    const c = this.client;
    if (!(c instanceof Cluster)) return c;
    const owner = c.slots[slotOf(key)]?.[0];
    return c.nodes("master").find((n) => nodeId(n) === owner) ?? c.nodes("master")[0]!;
  }

  private async dbSize(): Promise<number> {
    const sizes = await Promise.all(this.primaries().map((n) => n.dbsize()));
    return sizes.reduce((a, b) => a + b, 0);
  }

  private async scan(op: Extract<Operation, { kind: "scan" }>): Promise<ScanPage> {
    const total = await this.dbSize();
    if (this.client instanceof Cluster) {
      return { ...(await scanCluster(this.primaries(), op)), total };
    }
    const page = await scanNode(this.client, op, checkCursor(op.cursor));
    return { keys: page.keys, cursor: page.cursor, done: page.cursor === "0", total };
  }

  private async describe(keys: Uint8Array[]): Promise<KeyInfo[]> {
    const c = this.client;
    return Promise.all(
      keys.map(async (k) => {
        const key = buf(k);
        const [type, pttl, size] = await Promise.all([
          c.type(key),
          c.pttl(key),
          this.nodeFor(key)
            .memory("USAGE", key)
            .catch(() => null) as Promise<unknown>,
        ]);
        const info: KeyInfo = { key: k, type: asType(type), ttlMs: pttl };
        if (typeof size === "number") info.sizeBytes = size;
        return info;
      }),
    );
  }

  private async stats(): Promise<EngineStats> {
    const nodes = this.primaries();
    const info = parseInfo(await nodes[0]!.info());
    const db = this.profile.db ?? 0;
    const keys = this.client instanceof Cluster ? await this.dbSize() : keysInDb(info, db);
    const stats: EngineStats = { engine: "redis", fields: info, keys };
    if (info.redis_version) stats.version = info.redis_version;
    return stats;
  }

  async close(): Promise<void> {
    destroyClient(this.client);
  }
}

function nodeId(n: Redis): string {
  return `${n.options.host}:${n.options.port}`;
}

export function createRedisProvider(profile: ConnectionProfile): RedisProvider {
  return new RedisProvider(profile);
}
