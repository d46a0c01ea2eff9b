import type { ConnectionProfile } from "@cachify/core";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { SetupTimeoutError } from "./connect-errors.ts";
import {
  type ConnectorLike,
  guardConnector,
  type Setup,
  type StreamLike,
  setupOf,
} from "./connect-guard.ts";
import { isReplyError } from "./reply-error.ts";
import { loadTls, type TlsConnectOptions } from "./tls-files.ts";

/**
 * ioredis clients for a profile, connected on demand: options, the set-up after connecting, and
 * dropping a client at once. The socket guard is in connect-guard.ts, TLS files in tls-files.ts.
 */

export type RedisClient = Redis | Cluster;

/**
 * ioredis options for every mode. Our retry policy must be the only one
 * (docs/design/engine-facts.md#ioredis-hidden-retries-turned-off): no offline queue, no automatic
 * resend of unanswered commands after a reconnect, no per-request retries, no background reconnect
 * loop. The provider reconnects on the next operation instead.
 */
function baseOptions(p: ConnectionProfile, tls: TlsConnectOptions | undefined): RedisOptions {
  const o: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    reconnectOnError: null,
    connectTimeout: p.connectTimeoutMs,
    // No CLIENT SETNAME/SETINFO from ioredis: it waits for their replies before "ready" and, when
    // the peer is not Redis or refuses the login, can report ready on a connection already
    // closed. ensureConnected names the connection itself and checks the answer.
    disableClientInfo: true,
  };
  if (p.username) o.username = p.username;
  if (p.password) o.password = p.password;
  if (tls) o.tls = { ...tls };
  return o;
}

const CONNECTION_NAME = "cachify-studio";

const setups = new WeakMap<RedisClient, Setup>();

export function createClient(p: ConnectionProfile): RedisClient {
  const tls = p.tls ? loadTls(p.tls) : undefined;
  const base = baseOptions(p, tls);
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
      redisOptions: { ...redisOptions, connectionName: CONNECTION_NAME, maxRetriesPerRequest: 0 },
    };
    const cluster = new Cluster(seeds, options);
    // Node connections are created by the cluster; guard each before it first connects.
    cluster.on("+node", (node: Redis) => guardConnector(node, p));
    return cluster;
  }
  // The db is selected by ensureConnected, not by ioredis: ioredis only logs a failed SELECT and
  // goes on with database 0, where our writes would land in the wrong database.
  let client: Redis;
  if (p.mode === "sentinel") {
    client = new Redis({
      ...base,
      sentinels: p.nodes && p.nodes.length > 0 ? p.nodes : [{ host: p.host, port: p.port }],
      name: p.sentinelMaster ?? "mymaster",
      role: "master",
      ...(p.sentinelUsername ? { sentinelUsername: p.sentinelUsername } : {}),
      ...(p.sentinelPassword ? { sentinelPassword: p.sentinelPassword } : {}),
      // One TLS setting for the data nodes and the sentinels.
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: { ...tls } } : {}),
      sentinelCommandTimeout: p.timeoutMs,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      // Listen for +switch-master on the sentinels and drop the connection at once: after a
      // graceful failover the old primary still takes writes until Sentinel demotes it (seconds
      // later), and those writes would be lost. The next operation connects to the new primary.
      // This re-subscribes in the background, but never resends a command.
      failoverDetector: true,
      sentinelReconnectStrategy: (attempt: number) => Math.min(attempt * 1000, 10_000),
    });
  } else {
    client = new Redis({ ...base, host: p.host, port: p.port, retryStrategy: () => null });
  }
  setups.set(client, setupOf(p));
  guardConnector(client, p);
  return client;
}

/** Replies to CLIENT SETNAME that do not make the connection unusable (an ACL without +client). */
const harmless = (e: unknown) => isReplyError(e) && /^(NOPERM|ERR unknown)/.test(e.message);

/**
 * Connects if not connected; concurrent callers share one attempt: connect, then CLIENT SETNAME
 * and SELECT of the profile's db, whose answers prove the peer speaks Redis and accepted the
 * login. ioredis rejects a failed connect with a bare "Connection is closed."; the real cause
 * (ECONNREFUSED, TLS, auth) arrives on the client's error event, so we keep the last one and
 * throw that instead.
 */
export async function ensureConnected(
  client: RedisClient,
  state: { p?: Promise<void>; lastError?: Error },
): Promise<void> {
  // An attempt in progress is not done until its SELECT is: wait for it even if "ready".
  if (state.p) return state.p;
  if (client.status === "ready" || client.status === "connect") return;
  state.lastError = undefined;
  const started = performance.now();
  const attempt = client
    .connect()
    .catch((e) => {
      throw state.lastError ?? e;
    })
    .then(async () => {
      const setup = setups.get(client);
      if (client instanceof Cluster || !setup) return;
      let timer: NodeJS.Timeout | undefined;
      const remaining = Math.max(setup.budgetMs - (performance.now() - started), 1);
      try {
        await Promise.race([
          Promise.all([
            client.client("SETNAME", CONNECTION_NAME).catch((e) => {
              if (!harmless(e)) throw e;
            }),
            setup.db ? client.select(setup.db) : undefined,
          ]),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new SetupTimeoutError(setup.limitMs, setup.field)),
              remaining,
            );
          }),
        ]);
      } catch (e) {
        // Never leave a half-set-up connection (e.g. on database 0) behind: the next operation
        // connects afresh.
        destroyClient(client);
        // A fatal error during set-up (a refused AUTH, a protocol error) is the cause; the reply
        // seen here may be a consequence (NOAUTH for SETNAME after a wrong password).
        throw e instanceof SetupTimeoutError ? e : (state.lastError ?? e);
      } finally {
        clearTimeout(timer);
      }
    })
    .finally(() => {
      if (state.p === attempt) state.p = undefined;
    });
  state.p = attempt;
  await attempt;
}

/** Drops a client at once, even when its server is frozen (a graceful close would wait forever). */
export function destroyClient(client: RedisClient): void {
  const conns = client instanceof Cluster ? client.nodes() : [client];
  for (const c of conns) {
    const inner = c as unknown as { stream?: StreamLike; connector?: ConnectorLike };
    inner.stream?.destroy();
    // A socket still connecting (or in its TLS handshake) is held by the connector only.
    inner.connector?.stream?.destroy();
  }
  client.disconnect(false);
}
