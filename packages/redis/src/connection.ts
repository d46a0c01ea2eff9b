import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import {
  badInput,
  type ConnectionProfile,
  checkPem,
  type TlsMaterialField,
  type TlsOptions,
  tlsMaterialKind,
} from "@cachify/core";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { isReplyError } from "./reply-error.ts";

export type RedisClient = Redis | Cluster;

/** The TLS settings as Node's tls.connect takes them, with files read. */
export interface TlsConnectOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

function readMaterial(value: string, field: TlsMaterialField): string {
  if (tlsMaterialKind(value) === "pem") return value;
  const path = value.startsWith("~/") ? `${homedir()}${value.slice(1)}` : value;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied): make it readable by the user running Cachify"
          : code === "EISDIR"
            ? "is a folder, not a file"
            : `cannot be read (${code ?? (e as Error).message})`;
    throw badInput(
      `tls.${field}: the file ${path} ${why}. Correct the path in the profile, or paste the PEM text instead.`,
      { field: `tls.${field}`, path },
    );
  }
  checkPem(text, field, `tls.${field} (the file ${path})`);
  return text;
}

/**
 * Reads the profile's TLS material: PEM text as is, files from disk (checked to hold PEM of the
 * right kind). Throws bad-input naming the field and the file: a path that does not exist says so.
 */
export function loadTls(tls: TlsOptions): TlsConnectOptions {
  const o: TlsConnectOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca) o.ca = readMaterial(tls.ca, "ca");
  if (tls.cert) o.cert = readMaterial(tls.cert, "cert");
  if (tls.key) o.key = readMaterial(tls.key, "key");
  if (tls.servername) o.servername = tls.servername;
  return o;
}

/** Validates a profile's TLS files now (on save, import and test), not at the first operation. */
export function checkTlsFiles(p: ConnectionProfile): void {
  if (p.engine === "redis" && p.tls) loadTls(p.tls);
}

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

/** What ensureConnected does after each connect of a client: its db and the time it may take. */
interface Setup {
  db: number;
  /** For the whole set-up (connect, SETNAME, SELECT), a little under the operation's timeout. */
  budgetMs: number;
  field: "timeoutMs" | "connectTimeoutMs";
  /** The field's value, as the user set it (for messages). */
  limitMs: number;
}
const setups = new WeakMap<RedisClient, Setup>();

function setupOf(p: ConnectionProfile): Setup {
  // A little under timeoutMs, so this precise error wins over the gate's generic timeout.
  const op = Math.max(p.timeoutMs - 25, 25);
  return p.connectTimeoutMs < op
    ? {
        db: p.db ?? 0,
        budgetMs: p.connectTimeoutMs,
        field: "connectTimeoutMs",
        limitMs: p.connectTimeoutMs,
      }
    : { db: p.db ?? 0, budgetMs: op, field: "timeoutMs", limitMs: p.timeoutMs };
}

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

/** The part of a net.Socket / tls.TLSSocket the guard uses (sockets are imported by ioredis). */
interface StreamLike {
  connecting: boolean;
  destroyed: boolean;
  encrypted?: boolean;
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  setTimeout(ms: number, listener?: () => void): unknown;
  destroy(): void;
}

interface ConnectorLike {
  connect(emit: (type: string, err: Error) => void): Promise<StreamLike>;
  firstError?: Error;
  connecting: boolean;
  stream?: StreamLike;
}

/**
 * True when a socket is connected to itself. Connecting to a port in the ephemeral range where
 * nothing listens, the kernel may pick that very port as the local end: the SYN meets itself
 * (TCP simultaneous open), the connect succeeds, and the client would read its own commands back
 * as replies (a PING "answers" PING).
 */
export function isSelfConnected(s: {
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
}): boolean {
  return (
    s.localPort !== undefined &&
    s.localPort === s.remotePort &&
    s.localAddress !== undefined &&
    s.localAddress === s.remoteAddress
  );
}

export class SelfConnectError extends Error {
  readonly code = "ESELFCONNECT";
  constructor(
    readonly address: string,
    readonly port: number,
  ) {
    super(`connected to itself on ${address}:${port}`);
  }
}

/** The server took the connection but did not answer the set-up commands in time. */
export class SetupTimeoutError extends Error {
  readonly code = "ESETUPTIMEOUT";
  constructor(
    readonly ms: number,
    readonly field: "timeoutMs" | "connectTimeoutMs",
  ) {
    super(`no answer to the connection set-up within ${ms} ms`);
  }
}

export class ConnectTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  readonly connectTimeout = true;
  constructor(
    readonly ms: number,
    readonly field: "timeoutMs" | "connectTimeoutMs",
    /** tcp: no connection; tls: connected, but the handshake got no answer. */
    readonly stage: "tcp" | "tls",
  ) {
    super(`connect ETIMEDOUT after ${ms} ms (${stage})`);
  }
}

/** What the sentinels said while ioredis looked for the primary (for a precise error). */
export class SentinelLookupError extends Error {
  readonly code = "ESENTINEL";
  constructor(
    readonly unknownMaster: string[],
    readonly failures: { address: string; message: string }[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * Wraps the client's connector: the socket is handed to ioredis only once it is connected (TLS:
 * handshake done) and checked not to be connected to itself, within connectTimeoutMs. A rejected
 * socket is destroyed before ioredis writes a byte; its error becomes the connect error.
 */
function guardConnector(client: Redis, p: ConnectionProfile): void {
  const connector = (client as unknown as { connector: ConnectorLike }).connector;
  const connect = connector.connect.bind(connector);
  connector.connect = async (emit) => {
    const sentinelNotes: string[] = [];
    let stream: StreamLike;
    try {
      stream = await connect((type, err) => {
        if (type === "sentinelError") sentinelNotes.push(err.message);
        emit(type, err);
      });
    } catch (e) {
      throw p.mode === "sentinel" && /All sentinels are unreachable/.test((e as Error).message)
        ? sentinelLookupError(sentinelNotes, e as Error)
        : e;
    }
    await settle(stream, connector, setupOf(p));
    return stream;
  };
  // The failover detector's sentinel subscriptions have no error listener: ioredis would print
  // "Unhandled error event" to stderr each time a down sentinel refuses a reconnect.
  const sentinel = connector as unknown as {
    connectToSentinel?: (...args: unknown[]) => { on(event: "error", fn: () => void): unknown };
  };
  const toSentinel = sentinel.connectToSentinel?.bind(connector);
  if (toSentinel) {
    sentinel.connectToSentinel = (...args) => {
      const c = toSentinel(...args);
      c.on("error", () => {});
      return c;
    };
  }
}

function settle(stream: StreamLike, connector: ConnectorLike, budget: Setup): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const tls = stream.encrypted === true;
    const reject = (err: Error) => {
      connector.firstError = err;
      stream.destroy();
    };
    const check = () => {
      if (isSelfConnected(stream)) {
        reject(new SelfConnectError(stream.remoteAddress ?? "?", stream.remotePort ?? 0));
      }
    };
    const timer = setTimeout(() => {
      // Still connecting: no TCP connection yet. Connected but no secureConnect: the TLS
      // handshake got no answer (a plain Redis waits for a newline that never comes).
      const stage = stream.connecting ? "tcp" : "tls";
      reject(new ConnectTimeoutError(budget.limitMs, budget.field, stage));
    }, budget.budgetMs);
    const done = () => {
      clearTimeout(timer);
      stream.removeListener("connect", check);
      stream.removeListener(tls ? "secureConnect" : "connect", done);
      stream.removeListener("close", done);
      stream.removeListener("error", done);
      resolve();
    };
    if (!stream.connecting) check();
    else stream.once("connect", check);
    if (!stream.destroyed && !stream.connecting && !tls) return done();
    stream.once(tls ? "secureConnect" : "connect", done);
    stream.once("close", done);
    stream.once("error", done);
  });
}

function sentinelLookupError(notes: string[], cause: Error): SentinelLookupError {
  const unknownMaster: string[] = [];
  const failures: { address: string; message: string }[] = [];
  for (const n of notes) {
    const ok = /^connected to sentinel (\S+) successfully, but got an invalid reply/.exec(n);
    if (ok) {
      unknownMaster.push(ok[1]!);
      continue;
    }
    const failed = /^failed to connect to sentinel (\S+) because (.*)$/s.exec(n);
    if (failed) failures.push({ address: failed[1]!, message: failed[2]! });
  }
  const err = new SentinelLookupError(unknownMaster, failures, cause.message);
  err.cause = cause;
  return err;
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
