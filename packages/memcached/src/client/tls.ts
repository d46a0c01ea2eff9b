import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import {
  CachifyError,
  describeTlsFailure,
  loadTlsMaterial,
  type TlsConnectOptions,
  type TlsOptions,
} from "@cachify/core";

/**
 * memcached's own TLS (`memcached -Z`; docs/design/engine-facts.md#tls): the profile's files read
 * once per pool, and a failed handshake worded as for Redis (`describeTlsFailure` in core).
 */

export type { TlsConnectOptions };

/** Reads the profile's TLS files; bad-input naming tls.ca / tls.cert / tls.key and the file. */
export function loadTls(tls: TlsOptions): TlsConnectOptions {
  return loadTlsMaterial(tls, {
    readText: (path) => readFileSync(path, "utf8"),
    homeDir: homedir(),
  });
}

/**
 * The CachifyError for a TLS failure while connecting to `address`, or undefined when `e` is not
 * one Node reports by a TLS code. Nothing was sent: safe to repeat, but a repeat will fail the
 * same way until the profile changes (not retryable).
 */
export function tlsConnectError(
  address: string,
  host: string,
  e: unknown,
  tls: TlsConnectOptions | undefined,
): CachifyError | undefined {
  const err = e as Error & { code?: string; reason?: string; host?: string };
  if (!err?.code) return undefined;
  const described = describeTlsFailure({
    engine: "memcached",
    code: err.code,
    message: err.message ?? String(e),
    ...(err.reason ? { reason: err.reason } : {}),
    ...(err.host ? { host: err.host } : {}),
    target: address,
    tls: tls
      ? {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert ? { cert: tls.cert } : {}),
          ...(tls.servername ? { servername: tls.servername } : {}),
        }
      : undefined,
    profileHost: host,
  });
  if (!described) return undefined;
  return new CachifyError("connection", `memcached at ${address}: ${described.message}`, {
    ambiguous: false,
    details: {
      address,
      reason: described.reason,
      ...(described.field ? { field: described.field } : {}),
    },
    cause: e,
  });
}

/** The TCP connection is up but the TLS handshake did not finish within the connect timeout. */
export function handshakeTimeoutError(address: string, ms: number): CachifyError {
  return new CachifyError(
    "connection",
    `memcached at ${address} accepted the TCP connection but did not complete the TLS handshake within connectTimeoutMs (${ms.toLocaleString("en-US")} ms). If the server does not use TLS on this port (memcached without -Z), turn tls off in the profile (without --tls); otherwise it may be frozen or overloaded: check it, or raise connectTimeoutMs in the profile.`,
    {
      retryable: true,
      errorClass: "connection",
      ambiguous: false,
      details: { address, ms, reason: "tls-handshake-timeout", field: "connectTimeoutMs" },
    },
  );
}

/**
 * The server closed the connection during the TLS handshake: a memcached without -Z does that
 * with a ClientHello, and one that demands a client certificate may (with TLS 1.3 the alert
 * saying so is often lost to the reset). Name both, the second only when the profile has none.
 */
export function handshakeClosedError(
  address: string,
  tls: TlsConnectOptions,
  cause?: unknown,
): CachifyError {
  const cert = tls.cert
    ? ""
    : " If it demands client certificates (-o ssl_verify_mode=2), set tls.cert and tls.key in the profile (--tls-cert FILE with --tls-key FILE on the command line).";
  return new CachifyError(
    "connection",
    `memcached at ${address} closed the connection during the TLS handshake. If the server does not use TLS on this port (memcached without -Z), turn tls off in the profile (without --tls), or use its TLS port.${cert}`,
    {
      retryable: true,
      errorClass: "connection",
      ambiguous: false,
      details: { address, reason: "closed-while-connecting", field: "tls" },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
