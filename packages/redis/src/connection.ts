import type { ConnectionProfile } from "@cachify/core";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

export type RedisClient = Redis | Cluster;

/**
 * ioredis options for every mode. Our retry policy must be the only one (engine-facts.md): no
 * offline queue, no automatic resend of unanswered commands after a reconnect, no per-request
 * retries, no background reconnect loop. The provider reconnects on the next operation instead.
 */
function baseOptions(p: ConnectionProfile): RedisOptions {
  const o: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    reconnectOnError: null,
    connectTimeout: p.connectTimeoutMs,
    connectionName: "cachify-studio",
  };
  if (p.username) o.username = p.username;
  if (p.password) o.password = p.password;
  if (p.tls) {
    o.tls = {
      rejectUnauthorized: p.tls.rejectUnauthorized,
      ...(p.tls.ca ? { ca: p.tls.ca } : {}),
      ...(p.tls.cert ? { cert: p.tls.cert } : {}),
      ...(p.tls.key ? { key: p.tls.key } : {}),
      ...(p.tls.servername ? { servername: p.tls.servername } : {}),
    };
  }
  return o;
}

export function createClient(p: ConnectionProfile): RedisClient {
  const base = baseOptions(p);
  if (p.mode === "cluster") {
    const seeds = p.nodes && p.nodes.length > 0 ? p.nodes : [{ host: p.host, port: p.port }];
    const { maxRetriesPerRequest: _m, enableOfflineQueue: _e, ...redisOptions } = base;
    const options: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      clusterRetryStrategy: () => null,
      scaleReads: "master",
      enableAutoPipelining: true,
      maxRedirections: 16,
      retryDelayOnFailover: 100,
      retryDelayOnTryAgain: 100,
      retryDelayOnClusterDown: 100,
      redisOptions: { ...redisOptions, maxRetriesPerRequest: 0 },
    };
    return new Cluster(seeds, options);
  }
  if (p.mode === "sentinel") {
    return new Redis({
      ...base,
      sentinels: p.nodes && p.nodes.length > 0 ? p.nodes : [{ host: p.host, port: p.port }],
      name: p.sentinelMaster ?? "mymaster",
      db: p.db ?? 0,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
    });
  }
  return new Redis({
    ...base,
    host: p.host,
    port: p.port,
    db: p.db ?? 0,
    retryStrategy: () => null,
  });
}

/**
 * Connects if not connected; concurrent callers share one attempt. ioredis rejects a failed
 * connect with a bare "Connection is closed."; the real cause (ECONNREFUSED, TLS, auth) arrives on
 * the client's error event, so we keep the last one and throw that instead.
 */
export async function ensureConnected(
  client: RedisClient,
  state: { p?: Promise<void>; lastError?: Error },
): Promise<void> {
  if (client.status === "ready" || client.status === "connect") return;
  if (!state.p) {
    state.lastError = undefined;
    state.p = client
      .connect()
      .catch((e) => {
        throw state.lastError ?? e;
      })
      .finally(() => {
        state.p = undefined;
      });
  }
  await state.p;
}

/** Drops a client at once, even when its server is frozen (a graceful close would wait forever). */
export function destroyClient(client: RedisClient): void {
  const streams =
    client instanceof Cluster
      ? client.nodes().map((n) => (n as unknown as { stream?: { destroy(): void } }).stream)
      : [(client as unknown as { stream?: { destroy(): void } }).stream];
  for (const s of streams) s?.destroy();
  client.disconnect(false);
}
