import { CachifyError, type ConnectionProfile, displayKey } from "@cachify/core";
import { ConnectTimeoutError, SentinelLookupError, SetupTimeoutError } from "./connect-errors.ts";
import { notRedisError, replyError } from "./errors-reply.ts";
import { sentinelError } from "./errors-sentinel.ts";
import { connectTimeout, type ErrLike, type Failure, setupError } from "./errors-setup.ts";
import { tlsError } from "./errors-tls.ts";
import { redactReplyEcho } from "./reply-echo.ts";
import { isProtocolError, isReplyError } from "./reply-error.ts";

/**
 * Turns what ioredis throws into a CachifyError that says whether a repeat could double-apply and,
 * for a connection that could not be set up, what to change in the profile (`details.field`).
 */
export function mapRedisError(
  e: unknown,
  where: string,
  sent: boolean,
  profile?: ConnectionProfile,
): CachifyError {
  if (e instanceof CachifyError) return e;
  const err = e as ErrLike;
  // Engine replies may quote what was sent (values included): never keep that part.
  const message = isReplyError(e) ? redactReplyEcho(err.message) : (err?.message ?? String(e));
  const target =
    err?.address && err.port
      ? `${err.address}:${err.port}`
      : profile
        ? `${profile.host}:${profile.port}`
        : "the server";
  const f: Failure = { e, err, where, message, target, profile };
  if (isReplyError(e)) return replyError(f);
  if (isProtocolError(e)) return notRedisError(f);
  const code = err?.code;
  if (code === "ESENTINEL" && e instanceof SentinelLookupError)
    return sentinelError(e, where, profile);
  if (code === "ESELFCONNECT") {
    return setupError(
      "connection",
      `${where}: could not connect to ${target}: nothing listens there, and the socket connected to itself (the system picked that same port as the local end, a TCP self-connect). Nothing was sent. Check that the server is running and the host and port in the profile.`,
      "self-connect",
      "port",
      e,
      { errorClass: "connection", retryable: true },
    );
  }
  // Timeouts while connecting are timeouts (504, CLI exit 5) like the gate's, but nothing of the
  // operation was sent: safe to retry whatever it is.
  if (code === "ESETUPTIMEOUT" && e instanceof SetupTimeoutError) {
    const tlsHint =
      profile && !profile.tls ? " If it expects TLS, turn tls on in the profile (rediss://)." : "";
    return connectTimeout(
      `${where}: ${target} accepted the connection but did not answer within ${e.field} (${e.ms.toLocaleString("en-US")} ms).${tlsHint} Otherwise the server may be frozen or overloaded: check it, or raise ${e.field} in the profile.`,
      "no-answer",
      e.field,
      e.ms,
      e,
    );
  }
  if (code === "ETIMEDOUT" && e instanceof ConnectTimeoutError) {
    const ms = `${e.field} (${e.ms.toLocaleString("en-US")} ms)`;
    const message =
      e.stage === "tls"
        ? `${target} accepted the TCP connection but did not complete the TLS handshake within ${ms}. If the server does not use TLS on this port, turn tls off in the profile (redis://); otherwise it may be frozen or overloaded: check it, or raise ${e.field} in the profile.`
        : `could not connect to ${target} within ${ms}. Check the host, the port and any firewall, or raise ${e.field} in the profile.`;
    return connectTimeout(
      `${where}: ${message}`,
      e.stage === "tls" ? "tls-handshake-timeout" : "connect-timeout",
      e.field,
      e.ms,
      e,
    );
  }
  const tls = code ? tlsError(f, code) : undefined;
  if (tls) return tls;
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH" ||
    code === "ETIMEDOUT"
  ) {
    const why =
      code === "ECONNREFUSED"
        ? "connection refused"
        : code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? `host not found${err.hostname || err.host ? `: ${err.hostname ?? err.host}` : ""}`
          : code;
    const failover =
      profile?.mode === "sentinel"
        ? " This is the primary the sentinels named: if a failover is under way, try again in a few seconds (or give the profile a retry policy)."
        : "";
    return setupError(
      "connection",
      `${where}: could not connect to ${target} (${why}). Check that the server is running and the host and port in the profile.${failover}`,
      code === "ECONNREFUSED" ? "refused" : "unreachable",
      code === "ENOTFOUND" || code === "EAI_AGAIN" ? "host" : "port",
      e,
      { errorClass: "connection", retryable: true },
    );
  }
  if (/enableOfflineQueue|Stream isn't writeable/i.test(message)) {
    return new CachifyError(
      "connection",
      `${where}: not connected to the server. Check that it is running.`,
      {
        errorClass: "connection",
        retryable: true,
        ambiguous: false,
        cause: e,
      },
    );
  }
  if (/Connection is closed|ECONNRESET|EPIPE|socket/i.test(message) || code === "ECONNRESET") {
    // Dropped while connecting: a plain-text client on a TLS port is dropped at its first bytes;
    // with TLS 1.3 a missing client certificate is refused after the handshake, and the alert
    // saying so is usually lost to the reset.
    if (!sent && profile) {
      const [hint, field] = !profile.tls
        ? [" If the server expects TLS, turn tls on in the profile (rediss://).", "tls"]
        : !profile.tls.cert
          ? [
              " If the server demands client certificates (tls-auth-clients yes), set tls.cert and tls.key in the profile.",
              "tls.cert",
            ]
          : ["", undefined];
      return setupError(
        "connection",
        `${where}: ${target} closed the connection while it was being set up. Check the server.${hint}`,
        "closed-while-connecting",
        field,
        e,
        { errorClass: "connection", retryable: true },
      );
    }
    return new CachifyError(
      "connection",
      `${where}: the connection was lost${sent ? " after the command was sent (it may or may not have run)" : ""}. Check the server.`,
      {
        errorClass: sent ? "timeout-ambiguous" : "connection",
        retryable: true,
        ambiguous: sent,
        cause: e,
      },
    );
  }
  if (/certificate|SSL|TLS|self.signed/i.test(message)) {
    return setupError(
      "connection",
      `${where}: TLS handshake failed (${message.split("\n", 1)[0]}). Check tls.ca, tls.cert, tls.key and tls.servername in the profile.`,
      "tls",
      "tls",
      e,
    );
  }
  return new CachifyError("engine", `${where}: ${message}`, { cause: e });
}

/** True for a WRONGTYPE reply, also when a script relays it ("... script: ..."). */
export function isWrongType(e: unknown): boolean {
  return isReplyError(e) && /\bWRONGTYPE\b/.test(e.message);
}

/** A collection operation met a key of another type: say what the key holds. */
export function wrongTypeError(key: Uint8Array, actual: string, expected: string): CachifyError {
  const name = displayKey(key);
  if (actual === "none") {
    return new CachifyError("not-found", `${name} no longer exists: refresh the key list.`);
  }
  return new CachifyError(
    "bad-input",
    `${name} holds ${article(actual)} ${actual}, not ${article(expected)} ${expected}: open it as ${article(actual)} ${actual}.`,
  );
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");
