import { CachifyError } from "@cachify/core";
import type { ErrorReply } from "./replies.ts";

/** Words for the socket error codes users meet, as they would say them. */
const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ETIMEDOUT: "network timeout",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
};

export function socketReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && SOCKET_REASONS[code]) return SOCKET_REASONS[code];
  if (code) return code;
  return e instanceof Error ? e.message : "the server closed the connection";
}

/** The connection failed before the request could reach the server: safe to try again. */
export function notConnectedError(address: string, reason: string, cause?: unknown): CachifyError {
  const hint = reason.startsWith("host name")
    ? "Check the host name in the profile."
    : "Check that the server is running and the address in the profile.";
  return new CachifyError(
    "connection",
    `Could not connect to memcached at ${address} (${reason}). ${hint}`,
    {
      retryable: true,
      errorClass: "connection",
      ambiguous: false,
      details: { address, reason },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export function connectTimeoutError(address: string, ms: number): CachifyError {
  return new CachifyError(
    "connection",
    `Could not connect to memcached at ${address} within ${ms} ms (connect timeout). ` +
      "Check that the server is running and reachable, or raise the profile's connectTimeoutMs.",
    { retryable: true, errorClass: "connection", ambiguous: false, details: { address, ms } },
  );
}

/** The connection broke after the request was written: it may or may not have been applied. */
export function lostAfterSendError(address: string, reason: string, cause?: unknown): CachifyError {
  return new CachifyError(
    "connection",
    `Lost the connection to memcached at ${address} (${reason}) after the request was sent: ` +
      "it may or may not have been applied. Check the server, and read the key again before " +
      "repeating a change.",
    {
      retryable: true,
      errorClass: "connection",
      ambiguous: true,
      details: { address, reason },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export function closedError(address: string): CachifyError {
  return new CachifyError(
    "connection",
    `The connection to memcached at ${address} was closed by Cachify (the profile changed or ` +
      "the app is shutting down). Run the operation again.",
    { retryable: true, errorClass: "connection", ambiguous: false, details: { address } },
  );
}

/** The request was dropped because the operation was cancelled or timed out. */
export function droppedError(address: string, sent: boolean): CachifyError {
  return new CachifyError(
    "connection",
    `The request to memcached at ${address} was dropped because the operation was cancelled or ` +
      `timed out${sent ? "; it may or may not have been applied" : ""}. Check the server before repeating it.`,
    { retryable: true, errorClass: "connection", ambiguous: sent, details: { address } },
  );
}

export function protocolError(address: string, what: string): CachifyError {
  return new CachifyError(
    "engine",
    `memcached at ${address} sent a reply Cachify could not read (${what}); the connection was ` +
      "reset. Check that the address is a memcached 1.6 server, not another service.",
    { retryable: false, errorClass: "client-error", ambiguous: true, details: { address } },
  );
}

/** An error reply (`SERVER_ERROR ...`, `CLIENT_ERROR ...`, `ERROR`) as a CachifyError. */
export function replyError(address: string, reply: ErrorReply): CachifyError {
  const text = reply.line;
  const details = { address, reply: text };
  if (reply.type === "SERVER_ERROR") {
    if (/too large/i.test(reply.message)) {
      return new CachifyError(
        "engine",
        `memcached at ${address} refused the value: ${reply.message} (${text}). The item size ` +
          "limit is the server's -I setting (1 MB by default, key and overhead included): store " +
          "a smaller value or raise -I on the server.",
        { retryable: false, errorClass: "client-error", details },
      );
    }
    if (/out of memory/i.test(reply.message)) {
      return new CachifyError(
        "engine",
        `memcached at ${address} is out of memory (${text}). This is usually temporary: try ` +
          "again, or give the server more memory (-m) or let it evict (run it without -M).",
        { retryable: true, errorClass: "memcached-server-error", details },
      );
    }
    return new CachifyError(
      "engine",
      `memcached at ${address} could not do it (${text}). Try again; if it persists, check the ` +
        "server's log.",
      { retryable: true, errorClass: "memcached-server-error", details },
    );
  }
  if (reply.type === "CLIENT_ERROR") {
    return new CachifyError(
      "engine",
      `memcached at ${address} rejected the request (${text}). Check the key and value; ` +
        "repeating the same request will fail the same way.",
      { retryable: false, errorClass: "client-error", details },
    );
  }
  if (reply.type === "ERROR" && reply.message === "") {
    return new CachifyError(
      "engine",
      `memcached at ${address} did not understand the command (ERROR). The meta protocol needs ` +
        "memcached 1.6 or newer: check the server version.",
      { retryable: false, errorClass: "client-error", details },
    );
  }
  return new CachifyError(
    "engine",
    `memcached at ${address} answered "${text}". Check the server's log.`,
    { retryable: false, errorClass: "client-error", details },
  );
}
