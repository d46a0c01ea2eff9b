import {
  assertTicket,
  type CacheProvider,
  type Capabilities,
  type ConnectionProfile,
  type GateTicket,
  type KeyInfo,
  type Operation,
  type OperationResults,
  type ResultOf,
  type ScanPage,
  type SnapshotPayloadView,
  type ValueType,
} from "@cachify/core";
import slotOf from "cluster-key-slot";
import { Cluster, type Redis } from "ioredis";
import { buf } from "./bytes.ts";
import { createClient, destroyClient, ensureConnected, type RedisClient } from "./connection.ts";
import { nodeId, type RedisContext } from "./context.ts";
import { decodeDumpString, dumpRdbVersion } from "./dump-format.ts";
import { mapRedisError } from "./errors.ts";
import { aclDryRun } from "./ops/acl.ts";
import {
  deleteBatch,
  expireBatch,
  inspectBatch,
  scanShard,
  setBatch,
  shards,
} from "./ops/batch.ts";
import { CommandTable, commandInfo, fetchCommandEntries } from "./ops/command-info.ts";
import { hashDelete, hashScan, hashSet } from "./ops/hash.ts";
import { rename } from "./ops/keys.ts";
import { keyspaceEvents } from "./ops/keyspace.ts";
import { latency } from "./ops/latency.ts";
import { listPush, listRange, listRemoveAt, listSet } from "./ops/list.ts";
import { raw } from "./ops/raw.ts";
import { setAdd, setRemove, setScan } from "./ops/set.ts";
import { slowlog } from "./ops/slowlog.ts";
import { dump, restore } from "./ops/snapshot.ts";
import { stats } from "./ops/stats.ts";
import { streamAdd, streamDelete, streamRange } from "./ops/stream.ts";
import { zsetAdd, zsetRange, zsetRemove } from "./ops/zset.ts";
import { checkCursor, scanCluster, scanNode } from "./scan.ts";

const TYPES: ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];

function asType(t: string): ValueType {
  return (TYPES as string[]).includes(t) ? (t as ValueType) : t === "none" ? "none" : "unknown";
}

export class RedisProvider implements CacheProvider {
  private client: RedisClient;
  private readonly connection: { p?: Promise<void>; lastError?: Error } = {};
  /** Key positions per command name, for slowlog redaction (fetched once per name). */
  private readonly commands = new CommandTable((names) =>
    fetchCommandEntries(this.context(), names),
  );

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

  /** Any byte string up to 512 MB is a Redis key; a plan never holds one that large. */
  keyProblem(_key: Uint8Array): string | undefined {
    return undefined;
  }

  /** A DUMP payload: a string's value decoded, and its RDB version. */
  describeSnapshot(payload: Uint8Array): SnapshotPayloadView {
    const value = decodeDumpString(payload);
    return { ...(value ? { value } : {}), formatVersion: dumpRdbVersion(payload) ?? null };
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
      rename: true,
      console: true,
      engineEvents: true,
      acl: true,
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
      // One client for the whole operation: a reset by another operation's timeout swaps
      // this.client, and this one must not pick up the fresh, unconnected client half-way.
      const client = this.client;
      await ensureConnected(client, this.connection);
      sent = true;
      return (await this.run(op, client, ticket)) as ResultOf<O>;
    } catch (e) {
      // A command failed by a dropped connection says only "Connection is closed."; the cause
      // (a TLS alert, a reset) came on the client's error event.
      // A server without requirepass accepts the connection before it refuses an ACL user's
      // AUTH; the command then meets a closed stream ("Stream isn't writeable").
      const closed =
        e instanceof Error &&
        (e.message === "Connection is closed." || /Stream isn't writeable/.test(e.message));
      const cause = closed && this.connection.lastError ? this.connection.lastError : e;
      const err = mapRedisError(cause, where, sent, this.profile);
      // After a sentinel failover the old primary answers READONLY: reconnect through the
      // sentinels so the retry reaches the new primary.
      if (err.errorClass === "READONLY" && this.profile.mode === "sentinel") this.reset();
      throw err;
    } finally {
      ticket.signal.removeEventListener("abort", onAbort);
    }
  }

  private async run(
    op: Operation,
    c: RedisClient,
    ticket: GateTicket,
  ): Promise<OperationResults[Operation["kind"]]> {
    const ctx = this.context(c, ticket);
    switch (op.kind) {
      case "ping": {
        const t = performance.now();
        await c.ping();
        return { latencyMs: performance.now() - t };
      }
      case "stats":
        return stats(ctx, this.profile.db ?? 0);
      case "slowlog":
        return slowlog(ctx, this.commands, op.count);
      case "latency":
        return latency(ctx);
      case "keyspaceEvents":
        return keyspaceEvents(ctx, this.profile.db ?? 0);
      case "commandInfo":
        return commandInfo(ctx, op);
      case "dump":
        return dump(ctx, op);
      case "restore":
        return restore(ctx, op);
      case "scan":
        return scan(c, op);
      case "describe":
        return describe(c, op.keys);
      case "get": {
        const key = buf(op.key);
        // One write, one round trip: TYPE, PTTL and MGET go out together. MGET, not GET: it
        // answers nil for a key of another type where GET answers WRONGTYPE, which the server
        // would count in its errorstats (and the dashboard would show as an engine error).
        const replies = (await c.pipeline().type(key).pttl(key).mgetBuffer(key).exec()) ?? [];
        // A pipeline hands errors back per command: LOADING, NOAUTH and the like must fail the
        // read, never pass for "no such key".
        for (const r of replies) if (r?.[0]) throw r[0];
        if (replies.length < 3) throw new Error("Connection is closed.");
        const type = String(replies[0]![1]);
        const pttl = Number(replies[1]![1]);
        const value = (replies[2]![1] as (Buffer | null)[])[0] ?? null;
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
        else if (op.keepTtl) await c.set(key, value, "KEEPTTL");
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
      case "rename":
        return rename(ctx, op);
      case "hashScan":
        return hashScan(ctx, op);
      case "hashSet":
        return hashSet(ctx, op);
      case "hashDelete":
        return hashDelete(ctx, op);
      case "listRange":
        return listRange(ctx, op);
      case "listPush":
        return listPush(ctx, op);
      case "listSet":
        return listSet(ctx, op);
      case "listRemoveAt":
        return listRemoveAt(ctx, op);
      case "setScan":
        return setScan(ctx, op);
      case "setAdd":
        return setAdd(ctx, op);
      case "setRemove":
        return setRemove(ctx, op);
      case "zsetRange":
        return zsetRange(ctx, op);
      case "zsetAdd":
        return zsetAdd(ctx, op);
      case "zsetRemove":
        return zsetRemove(ctx, op);
      case "streamRange":
        return streamRange(ctx, op);
      case "streamAdd":
        return streamAdd(ctx, op);
      case "streamDelete":
        return streamDelete(ctx, op);
      case "raw":
        return raw(ctx, op);
      case "shards":
        return shards(ctx);
      case "scanShard":
        return scanShard(ctx, op);
      case "inspectBatch":
        return inspectBatch(ctx, op);
      case "deleteBatch":
        return deleteBatch(ctx, op);
      case "expireBatch":
        return expireBatch(ctx, op);
      case "setBatch":
        return setBatch(ctx, op);
      case "aclDryRun":
        return aclDryRun(ctx, op);
    }
  }

  /** The provider as the operation modules see it, bound to one client. */
  private context(c: RedisClient = this.client, ticket?: GateTicket): RedisContext {
    return {
      client: c,
      cluster: c instanceof Cluster,
      primaries: () => primariesOf(c),
      nodeFor: (key) => nodeOf(c, key),
      ...(ticket ? { deadline: ticket.deadline, signal: ticket.signal } : {}),
    };
  }

  async close(): Promise<void> {
    destroyClient(this.client);
  }
}

/** Every primary (standalone: the one server), in a stable order for composite cursors. */
function primariesOf(c: RedisClient): Redis[] {
  if (!(c instanceof Cluster)) return [c];
  return c.nodes("master").sort((a, b) => nodeId(a).localeCompare(nodeId(b)));
}

/**
 * The connection that owns a key. Cluster routing needs the key's position in the command, which
 * ioredis does not know for subcommands such as MEMORY USAGE, so we route those by slot.
 */
function nodeOf(c: RedisClient, key: Buffer): Redis {
  if (!(c instanceof Cluster)) return c;
  const owner = c.slots[slotOf(key)]?.[0];
  return c.nodes("master").find((n) => nodeId(n) === owner) ?? c.nodes("master")[0]!;
}

async function dbSize(c: RedisClient): Promise<number> {
  const sizes = await Promise.all(primariesOf(c).map((n) => n.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}

async function scan(c: RedisClient, op: Extract<Operation, { kind: "scan" }>): Promise<ScanPage> {
  const total = await dbSize(c);
  if (c instanceof Cluster) return { ...(await scanCluster(primariesOf(c), op)), total };
  const page = await scanNode(c, op, checkCursor(op.cursor));
  return { keys: page.keys, cursor: page.cursor, done: page.cursor === "0", total };
}

/** Type, TTL and memory use of each key, sent together (one round trip per node). */
async function describe(c: RedisClient, keys: Uint8Array[]): Promise<KeyInfo[]> {
  return Promise.all(
    keys.map(async (k) => {
      const key = buf(k);
      const [type, pttl, size] = await Promise.all([
        c.type(key),
        c.pttl(key),
        nodeOf(c, key)
          .memory("USAGE", key)
          .catch(() => null) as Promise<unknown>,
      ]);
      const info: KeyInfo = { key: k, type: asType(type), ttlMs: pttl };
      if (typeof size === "number") info.sizeBytes = size;
      return info;
    }),
  );
}

export function createRedisProvider(profile: ConnectionProfile): RedisProvider {
  return new RedisProvider(profile);
}
