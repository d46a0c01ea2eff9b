import {
  assertTicket,
  badInput,
  type CacheProvider,
  CachifyError,
  type Capabilities,
  type ConnectionProfile,
  type EngineStats,
  type GateTicket,
  type KeyBytes,
  type KeyInfo,
  type Operation,
  type OperationOf,
  type OperationResults,
  type ResultOf,
  type SnapshotPayloadView,
  type ValueRead,
} from "@cachify/core";
import { droppedError, protocolError, replyError } from "../client/engine-errors.ts";
import { checkKey, checkKeys, keyProblem } from "../client/key-check.ts";
import type { MetaReply } from "../client/replies.ts";
import {
  metaDelete,
  metaGet,
  metaNoop,
  metaSet,
  type Request,
  statsRequest,
} from "../client/requests.ts";
import { type PoolServer, ServerPool } from "../pool/server-pool.ts";
import * as batch from "./batch.ts";
import { memcachedCapabilities } from "./capabilities.ts";
import { KeyListing } from "./key-listing.ts";
import { poolStats } from "./pool-stats.ts";
import { dumpKeys, restoreKeys } from "./snapshot.ts";
import { expireTtlFlag, keptTtlFlag, setTtlFlag, ttlMsFromFlag } from "./ttl.ts";
import { unsupported } from "./unsupported.ts";

/** A read that also carries the item's 32-bit client flags (applications store their format there). */
export interface MemcachedValueRead extends ValueRead {
  flags?: number;
}

/** How often a set re-reads and tries again when another client changes the key in between. */
const SET_ATTEMPTS = 3;

/**
 * The memcached adapter: runs gate-approved operations on a profile's server or pool with our own
 * meta-protocol client. Every key is checked before anything is written to a socket.
 */
export class MemcachedProvider implements CacheProvider {
  readonly profile: ConnectionProfile;
  private readonly pool: ServerPool;
  private readonly listing: KeyListing;

  constructor(profile: ConnectionProfile) {
    if (profile.engine !== "memcached") {
      throw new CachifyError(
        "internal",
        `Profile "${profile.name}" is for ${profile.engine}, not memcached.`,
      );
    }
    this.profile = profile;
    const nodes =
      profile.nodes && profile.nodes.length > 0
        ? profile.nodes
        : [{ host: profile.host, port: profile.port }];
    this.pool = new ServerPool(nodes, profile.connectTimeoutMs, profile.tls);
    this.listing = new KeyListing(this.pool);
  }

  keyProblem(key: Uint8Array): string | undefined {
    return keyProblem(key);
  }

  /** Memcached pre-images are the item's bytes themselves. */
  describeSnapshot(payload: Uint8Array): SnapshotPayloadView {
    return { value: payload };
  }

  capabilities(): Capabilities {
    return memcachedCapabilities();
  }

  /** The `host:port` of the server that holds `key` (ketama, as libmemcached maps it). */
  serverFor(key: KeyBytes): string {
    checkKey(key);
    return this.pool.serverFor(key).address;
  }

  /** The pool's servers as `host:port`, in profile order. */
  get servers(): string[] {
    return this.pool.servers.map((s) => s.address);
  }

  async execute<O extends Operation>(op: O, ticket: GateTicket): Promise<ResultOf<O>> {
    assertTicket(ticket);
    const signal = ticket.signal;
    if (signal.aborted) throw droppedError(this.pool.servers[0]!.address, false);
    const o: Operation = op;
    let result: OperationResults[Operation["kind"]];
    switch (o.kind) {
      case "ping":
        result = await this.ping(signal);
        break;
      case "stats":
        result = await this.stats(signal);
        break;
      case "scan":
        result = await this.listing.page(o, signal);
        break;
      case "describe":
        result = await this.describe(o.keys, signal);
        break;
      case "get":
        result = await this.get(o.key, signal);
        break;
      case "set":
        result = await this.set(o, signal);
        break;
      case "delete":
        result = await this.delete(o.keys, signal);
        break;
      case "expire":
        result = await this.expire(o, signal);
        break;
      case "dump":
        checkKeys(o.keys);
        result = await dumpKeys(this.pool, (sv, r, sg) => this.meta(sv, r, sg), o.keys, signal);
        break;
      case "restore":
        checkKeys(o.items.map((i) => i.key));
        result = await restoreKeys(this.pool, (sv, r, sg) => this.meta(sv, r, sg), o.items, signal);
        break;
      case "shards":
        result = batch.shards();
        break;
      case "scanShard":
        result = await batch.scanShard(this.listing, o, signal);
        break;
      case "inspectBatch":
        result = await batch.inspectBatch(this.pool, o, signal);
        break;
      case "deleteBatch":
        result = await batch.deleteBatch(this.pool, o, signal);
        break;
      case "expireBatch":
        result = await batch.expireBatch(this.pool, o, signal);
        break;
      case "setBatch":
        result = await batch.setBatch(this.pool, o, signal);
        break;
      default:
        throw unsupported(o.kind);
    }
    return result as ResultOf<O>;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Sends requests to one server, pipelined; error replies become CachifyErrors. */
  private async meta(
    server: PoolServer,
    requests: Request[],
    signal: AbortSignal,
  ): Promise<MetaReply[]> {
    const replies = await this.pool.connection(server).pipeline(requests, signal);
    return replies.map((r) => {
      if (r.kind === "error") throw replyError(server.address, r);
      if (r.kind !== "meta")
        throw protocolError(server.address, `a ${r.kind} reply to a meta command`);
      return r;
    });
  }

  private async ping(signal: AbortSignal): Promise<{ latencyMs: number }> {
    const started = performance.now();
    // Two noops (8 bytes), not one: a memcached -Z reads a 5-byte TLS record header first, so a
    // plain ping of 4 bytes would leave it waiting; 8 make it hang up, which says "expects TLS".
    await Promise.all(this.pool.servers.map((s) => this.meta(s, [metaNoop(), metaNoop()], signal)));
    return { latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
  }

  private async stats(signal: AbortSignal): Promise<EngineStats> {
    const perServer = await Promise.all(
      this.pool.servers.map(async (s) => {
        const r = await this.pool.connection(s).request(statsRequest(), signal);
        if (r.kind === "error") throw replyError(s.address, r);
        if (r.kind !== "stats") throw protocolError(s.address, `a ${r.kind} reply to stats`);
        return { address: s.address, stats: r.stats };
      }),
    );
    return poolStats(perServer);
  }

  private async describe(keys: KeyBytes[], signal: AbortSignal): Promise<KeyInfo[]> {
    checkKeys(keys);
    const out: KeyInfo[] = new Array(keys.length);
    await Promise.all(
      [...this.pool.groupByServer(keys, (k) => k)].map(async ([server, group]) => {
        const replies = await this.meta(
          server,
          group.map((g) => metaGet(g.item, ["t", "s"])),
          signal,
        );
        replies.forEach((r, i) => {
          const { index, item: key } = group[i]!;
          out[index] =
            r.status === "EN"
              ? { key, type: "none", ttlMs: -2 }
              : {
                  key,
                  type: "string",
                  ttlMs: ttlMsFromFlag(r.flags.t),
                  sizeBytes: Number(r.flags.s),
                };
        });
      }),
    );
    return out;
  }

  private async get(key: KeyBytes, signal: AbortSignal): Promise<MemcachedValueRead> {
    checkKey(key);
    const server = this.pool.serverFor(key);
    const [r] = await this.meta(server, [metaGet(key, ["v", "t", "f"])], signal);
    if (r!.status === "EN") return { key, type: "none", ttlMs: -2 };
    if (r!.status !== "VA" || !r!.value) throw unexpected(server, r!);
    return {
      key,
      type: "string",
      ttlMs: ttlMsFromFlag(r!.flags.t),
      value: new Uint8Array(r!.value),
      sizeBytes: r!.value.length,
      flags: Number(r!.flags.f ?? 0),
    };
  }

  /**
   * Writes a value and keeps the item's client flags: applications keep their serialisation
   * format there, and a value stored with flags 0 may no longer be readable to them. Without a
   * TTL the item no longer expires (as Redis SET), unless keepTtl keeps its remaining TTL (to
   * the second). The flags are read with the CAS token and the write is conditional on it (or an add when the key is
   * missing), so a concurrent change is noticed and the write redone, never silently merged.
   */
  private async set(op: OperationOf<"set">, signal: AbortSignal): Promise<{ written: true }> {
    checkKey(op.key);
    if (op.keepTtl && op.ttlSeconds !== undefined) {
      throw badInput("Give either a TTL or keepTtl, not both.");
    }
    const ttl = setTtlFlag(op.ttlSeconds);
    const server = this.pool.serverFor(op.key);
    for (let attempt = 1; attempt <= SET_ATTEMPTS; attempt++) {
      const [current] = await this.meta(server, [metaGet(op.key, ["f", "c", "t"])], signal);
      if (current!.status !== "EN" && current!.flags.c === undefined)
        throw unexpected(server, current!);
      const write =
        current!.status === "EN"
          ? metaSet(op.key, op.value, [ttl, "F0", "ME"])
          : metaSet(op.key, op.value, [
              op.keepTtl ? keptTtlFlag(current!.flags.t) : ttl,
              `F${current!.flags.f ?? 0}`,
              `C${current!.flags.c}`,
            ]);
      const [r] = await this.meta(server, [write], signal);
      if (r!.status === "HD") return { written: true };
      if (r!.status !== "EX" && r!.status !== "NF" && r!.status !== "NS")
        throw unexpected(server, r!);
    }
    throw new CachifyError(
      "conflict",
      `Another client changed the key on memcached at ${server.address} while it was being ` +
        `written (${SET_ATTEMPTS} times in a row); nothing was written. Read the key again and retry.`,
      { retryable: true },
    );
  }

  private async delete(keys: KeyBytes[], signal: AbortSignal): Promise<{ deleted: number }> {
    checkKeys(keys);
    const counts = await Promise.all(
      [...this.pool.groupByServer(keys, (k) => k)].map(async ([server, group]) => {
        const replies = await this.meta(
          server,
          group.map((g) => metaDelete(g.item)),
          signal,
        );
        return replies.filter((r) => r.status === "HD").length;
      }),
    );
    return { deleted: counts.reduce((a, b) => a + b, 0) };
  }

  private async expire(
    op: OperationOf<"expire">,
    signal: AbortSignal,
  ): Promise<{ applied: boolean }> {
    checkKey(op.key);
    const ttl = expireTtlFlag(op.ttlSeconds);
    const server = this.pool.serverFor(op.key);
    const [r] = await this.meta(server, [metaGet(op.key, [ttl])], signal);
    if (r!.status === "HD") return { applied: true };
    if (r!.status === "EN") return { applied: false };
    throw unexpected(server, r!);
  }
}

function unexpected(server: PoolServer, r: MetaReply): CachifyError {
  return protocolError(server.address, `unexpected status ${r.status}`);
}

/** The ProviderFactory for memcached profiles. */
export function createMemcachedProvider(profile: ConnectionProfile): MemcachedProvider {
  return new MemcachedProvider(profile);
}
