import type { ConnectionProfile } from "@cachify/core";
import type { Redis } from "ioredis";
import { ConnectTimeoutError, SelfConnectError, SentinelLookupError } from "./connect-errors.ts";

/**
 * The guard on every connection's socket: ioredis gets a socket only once it is connected (TLS:
 * handshake done), within the profile's time, and not connected to itself. Sentinel lookups that
 * find no primary keep what each sentinel said, for a precise error (errors-sentinel.ts).
 */

/** What ensureConnected does after each connect of a client: its db and the time it may take. */
export interface Setup {
  db: number;
  /** For the whole set-up (connect, SETNAME, SELECT), a little under the operation's timeout. */
  budgetMs: number;
  field: "timeoutMs" | "connectTimeoutMs";
  /** The field's value, as the user set it (for messages). */
  limitMs: number;
}

export function setupOf(p: ConnectionProfile): Setup {
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

/** The part of a net.Socket / tls.TLSSocket the guard uses (sockets are imported by ioredis). */
export interface StreamLike {
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

export interface ConnectorLike {
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

/**
 * Wraps the client's connector: the socket is handed to ioredis only once it is connected (TLS:
 * handshake done) and checked not to be connected to itself, within connectTimeoutMs. A rejected
 * socket is destroyed before ioredis writes a byte; its error becomes the connect error.
 */
export function guardConnector(client: Redis, p: ConnectionProfile): void {
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
