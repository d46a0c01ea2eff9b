import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import {
  closedError,
  connectTimeoutError,
  droppedError,
  lostAfterSendError,
  notConnectedError,
  protocolError,
  socketReason,
} from "./engine-errors.ts";
import { type ErrorReply, type MetaReply, ProtocolError, type Reply } from "./replies.ts";
import { ReplyReader } from "./reply-reader.ts";
import type { Request } from "./requests.ts";
import {
  handshakeClosedError,
  handshakeTimeoutError,
  type TlsConnectOptions,
  tlsConnectError,
} from "./tls.ts";

export interface ConnectionOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** memcached's own TLS (-Z): files already read; SNI and the name checked default to host. */
  tls?: TlsConnectOptions;
}

interface Pending {
  request: Request;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
  /** A quiet run (shape "quiet"): the replies read so far, before its MN. */
  collected?: (MetaReply | ErrorReply)[];
}

/** `host:port`, with an IPv6 address in brackets. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * One TCP connection to one memcached server, speaking the text/meta protocol.
 *
 * - Lazy: the socket opens on first use, bounded by the connect timeout (with TLS, the TCP
 *   connection and the handshake together).
 * - Pipelined: requests are written at once and their replies matched in order (a FIFO of
 *   pending replies), which is how memcached answers on a connection.
 * - Quiet runs: a request of shape "quiet" holds many `q` commands ended by `mn`; the server
 *   answers only what it does not suppress (NF, NS, errors...) and then MN, so its replies are
 *   everything up to that MN: one pending entry, however many commands.
 * - Never resends: when the socket breaks, every pending request fails (ambiguous when the
 *   connection was up, since the server may have run it) and the next request opens a new socket.
 * - Abort: when a caller's signal fires while its requests are pending, the socket is destroyed
 *   (memcached cannot cancel a request), so their replies can never be mistaken for another's.
 */
export class MemcachedConnection {
  readonly address: string;
  private socket: Socket | undefined;
  private connected = false;
  /** The TCP connection is up (with TLS, the handshake may still be running). */
  private tcpUp = false;
  /** A byte has arrived on this socket (a server that closes before any is suspect). */
  private answered = false;
  private closed = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly pending: Pending[] = [];
  private readonly reader = new ReplyReader();

  constructor(private readonly options: ConnectionOptions) {
    this.address = formatAddress(options.host, options.port);
  }

  /** Sends one request. Error replies (SERVER_ERROR...) are returned, not thrown. */
  async request(request: Request, signal?: AbortSignal): Promise<Reply> {
    const [reply] = await this.pipeline([request], signal);
    return reply!;
  }

  /**
   * Writes all requests in one go and resolves with their replies in order. Rejects with a
   * CachifyError when the connection fails or the signal aborts.
   */
  pipeline(requests: Request[], signal?: AbortSignal): Promise<Reply[]> {
    if (this.closed) return Promise.reject(closedError(this.address));
    if (signal?.aborted) return Promise.reject(droppedError(this.address, false));
    if (requests.length === 0) return Promise.resolve([]);
    const socket = this.open();
    const mine = new Set<Pending>();
    const replies = requests.map(
      (request) =>
        new Promise<Reply>((resolve, reject) => {
          const entry: Pending = { request, resolve, reject };
          mine.add(entry);
          this.pending.push(entry);
        }),
    );
    socket.write(
      requests.length === 1 ? requests[0]!.bytes : Buffer.concat(requests.map((r) => r.bytes)),
    );
    const all = Promise.all(replies);
    if (!signal) return all;
    const onAbort = () => {
      if (this.socket === socket && this.pending.some((p) => mine.has(p))) {
        this.fail(socket, droppedError(this.address, this.connected));
      }
    };
    signal.addEventListener("abort", onAbort, { once: true });
    return all.finally(() => signal.removeEventListener("abort", onAbort));
  }

  /** Closes the socket; pending requests fail with a connection error. Further use fails. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.socket) this.fail(this.socket, closedError(this.address));
  }

  /** True while a socket is open or opening (for tests and diagnostics). */
  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const { host, port, connectTimeoutMs, tls } = this.options;
    // With TLS, requests written before the handshake ends are sent once it has.
    const socket = tls ? tlsConnect({ host, port, ...tls }) : connect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.connected = false;
    this.tcpUp = false;
    this.answered = false;
    this.connectTimer = setTimeout(
      () =>
        this.fail(
          socket,
          tls && this.tcpUp
            ? handshakeTimeoutError(this.address, connectTimeoutMs)
            : connectTimeoutError(this.address, connectTimeoutMs),
        ),
      connectTimeoutMs,
    );
    socket.once("connect", () => {
      if (this.socket !== socket) return;
      this.tcpUp = true;
      if (!tls) this.onConnected(socket);
    });
    if (tls) socket.once("secureConnect", () => this.onConnected(socket));
    socket.on("data", (chunk: Buffer) => this.onData(socket, chunk));
    socket.on("error", (e) => {
      const reason = socketReason(e);
      // A TLS alert before the server answered anything (a refused client certificate arrives
      // after the client's handshake with TLS 1.3) means it ran nothing: not ambiguous.
      const refused =
        tls && !this.answered ? tlsConnectError(this.address, host, e, tls) : undefined;
      this.fail(
        socket,
        refused ??
          (this.connected
            ? lostAfterSendError(this.address, this.closeReason(reason), e)
            : tls && this.tcpUp
              ? handshakeClosedError(this.address, tls, e)
              : notConnectedError(this.address, reason, e)),
      );
    });
    socket.on("close", () => {
      const reason = "the server closed the connection";
      this.fail(
        socket,
        this.connected
          ? lostAfterSendError(this.address, this.closeReason(reason))
          : tls && this.tcpUp
            ? handshakeClosedError(this.address, tls)
            : notConnectedError(this.address, reason),
      );
    });
    return socket;
  }

  private onConnected(socket: Socket): void {
    if (this.socket !== socket) return;
    clearTimeout(this.connectTimer);
    this.connected = true;
    socket.setKeepAlive(true, 30_000);
  }

  /**
   * A connection the server drops before answering anything: on a plain one, that is what
   * memcached -Z does with a client that does not start TLS; on a TLS one without a client
   * certificate, what it does when it demands one (the TLS 1.3 alert is often lost). Say so.
   */
  private closeReason(reason: string): string {
    const { tls } = this.options;
    if (this.answered || tls?.cert) return reason;
    return tls
      ? `${reason} before answering anything; if it demands client certificates (-o ssl_verify_mode=2), set tls.cert and tls.key in the profile (--tls-cert FILE with --tls-key FILE)`
      : `${reason} before answering anything; if it expects TLS (memcached -Z), turn tls on in the profile (--tls)`;
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (this.socket !== socket) return;
    this.answered = true;
    this.reader.push(chunk);
    for (;;) {
      const head = this.pending[0];
      if (!head) {
        if (this.reader.buffered > 0) {
          this.fail(socket, protocolError(this.address, "a reply nobody asked for"));
        }
        return;
      }
      let reply: Reply | undefined;
      const quiet = head.request.shape === "quiet";
      try {
        reply = this.reader.read(quiet ? "meta" : head.request.shape, head.request.onLine);
      } catch (e) {
        this.fail(socket, e instanceof ProtocolError ? protocolError(this.address, e.message) : e);
        return;
      }
      if (!reply) return;
      if (quiet && !(reply.kind === "meta" && reply.status === "MN")) {
        head.collected ??= [];
        head.collected.push(reply as MetaReply | ErrorReply);
      } else {
        this.pending.shift();
        head.resolve(quiet ? { kind: "quiet", replies: head.collected ?? [] } : reply);
      }
      if (reply.kind === "error" && (reply.type === "ERROR" || reply.type === "CLIENT_ERROR")) {
        // After a rejected command the server may read the rest of our bytes as new commands;
        // replies could no longer be matched to requests, so start over on a fresh socket.
        this.fail(
          socket,
          lostAfterSendError(this.address, "reset after memcached rejected an earlier request"),
        );
        return;
      }
    }
  }

  /** Drops the socket and fails everything pending on it with `error`. */
  private fail(socket: Socket, error: unknown): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.connected = false;
    this.tcpUp = false;
    clearTimeout(this.connectTimer);
    socket.destroy();
    this.reader.reset();
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
