import { CachifyError, type ConnectionProfile, displayKey, type ErrorClass } from "@cachify/core";
import { ConnectTimeoutError, SentinelLookupError, SetupTimeoutError } from "./connection.ts";
import { redactReplyEcho } from "./reply-echo.ts";
import { isProtocolError, isReplyError } from "./reply-error.ts";

const REPLY_CLASSES: Record<string, { errorClass: ErrorClass; retryable: boolean; hint: string }> =
  {
    LOADING: {
      errorClass: "LOADING",
      retryable: true,
      hint: "The server is loading its data set; try again shortly.",
    },
    TRYAGAIN: {
      errorClass: "TRYAGAIN",
      retryable: true,
      hint: "A cluster slot is moving; try again.",
    },
    CLUSTERDOWN: {
      errorClass: "CLUSTERDOWN",
      retryable: true,
      hint: "The cluster is down; check its nodes.",
    },
    MASTERDOWN: {
      errorClass: "MASTERDOWN",
      retryable: true,
      hint: "The replica lost its primary; try again.",
    },
    READONLY: {
      errorClass: "READONLY",
      retryable: true,
      hint: "The node is a replica now (failover); try again.",
    },
    OOM: {
      errorClass: "OOM",
      retryable: false,
      hint: "The server is out of memory (maxmemory); free memory or raise it.",
    },
    NOPERM: {
      errorClass: "NOPERM",
      retryable: false,
      hint: "The ACL user lacks permission; use a user allowed to run it.",
    },
    BUSY: {
      errorClass: "BUSY",
      retryable: false,
      hint: "A script is running on the server; wait for it or SCRIPT KILL it.",
    },
  };

const UNKNOWN_CA = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

type ErrLike = Error & {
  code?: string;
  name?: string;
  address?: string;
  port?: number;
  host?: string;
  hostname?: string;
  reason?: string;
};

/** A connection-setup failure: says which profile field to change (`details.field`). */
function setupError(
  code: "connection" | "engine" | "bad-input",
  message: string,
  reason: string,
  field: string | undefined,
  cause: unknown,
  retry: { errorClass?: "connection"; retryable?: boolean } = {},
): CachifyError {
  return new CachifyError(code, message, {
    ...retry,
    ambiguous: false,
    details: { reason, ...(field ? { field } : {}) },
    cause,
  });
}

function connectTimeout(
  message: string,
  reason: string,
  field: string,
  ms: number,
  cause: unknown,
): CachifyError {
  return new CachifyError("timeout", message, {
    errorClass: "connection",
    retryable: true,
    ambiguous: false,
    details: { reason, field, timeoutMs: ms },
    cause,
  });
}

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
  if (isReplyError(e)) {
    const prefix = message.split(" ", 1)[0] ?? "";
    const known = REPLY_CLASSES[prefix];
    if (known) {
      return new CachifyError("engine", `${where}: ${message}. ${known.hint}`, {
        errorClass: known.errorClass,
        retryable: known.retryable,
        cause: e,
      });
    }
    if (prefix === "WRONGTYPE") {
      return new CachifyError(
        "bad-input",
        `${where}: ${message}. Check the key's type (TYPE key) and use a command for that type.`,
        { cause: e },
      );
    }
    if (prefix === "CROSSSLOT") {
      return new CachifyError(
        "bad-input",
        `${where}: ${message}. In a cluster a command's keys must share one slot: give them a common {hash tag}.`,
        { cause: e },
      );
    }
    if (prefix === "WRONGPASS") {
      const user = profile?.username ? `user "${profile.username}"` : "the default user";
      return setupError(
        "engine",
        `${where}: authentication failed (WRONGPASS: wrong password for ${user}, or the user is disabled). Check the username and password in the profile.`,
        "auth",
        "password",
        e,
      );
    }
    if (prefix === "NOAUTH") {
      return setupError(
        "engine",
        `${where}: authentication failed (NOAUTH: the server requires a password and the profile gives none). Check the username and password in the profile: set password (and username for an ACL user).`,
        "auth",
        "password",
        e,
      );
    }
    if (/^ERR (DB index is out of range|invalid DB index)/.test(message)) {
      return setupError(
        "bad-input",
        `${where}: database ${profile?.db ?? "?"} does not exist on ${target} (${message}). Set db in the profile to a number below the server's "databases" setting (16 by default).`,
        "db",
        "db",
        e,
      );
    }
    return new CachifyError("engine", `${where}: ${message}`, { cause: e });
  }
  if (isProtocolError(e)) {
    const byte = /got "(.*?)" as reply type byte/.exec(message)?.[1] ?? "?";
    const guess =
      byte === "H"
        ? ": it looks like an HTTP server"
        : byte === "E" || byte === "V" || byte === "S"
          ? ': it looks like memcached (for memcached set engine to "memcached")'
          : "";
    return setupError(
      "connection",
      `${where}: ${target} answered, but not in the Redis protocol (its reply began with "${byte}")${guess}. Check the port and the engine in the profile.`,
      "not-redis",
      "port",
      e,
    );
  }
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
  if (code && UNKNOWN_CA.has(code)) {
    return setupError(
      "connection",
      `${where}: TLS: the server's certificate is not signed by a CA this profile trusts (${message}). Set tls.ca to the CA certificate that issued it${profile?.tls?.ca ? " (the current tls.ca did not)" : ""}; only for a test server, tls.rejectUnauthorized: false skips the check.`,
      "tls-unknown-ca",
      "tls.ca",
      e,
    );
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const name = profile?.tls?.servername ?? err.host ?? profile?.host ?? "?";
    const listed = /altnames: (.*)$/.exec(err.reason ?? message)?.[1];
    return setupError(
      "connection",
      `${where}: TLS: the server's certificate is not valid for "${name}"${listed ? ` (it lists ${listed})` : ""}. Set tls.servername to a name the certificate lists, or use such a name as host.`,
      "tls-hostname",
      "tls.servername",
      e,
    );
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return setupError(
      "connection",
      `${where}: TLS: the server's certificate ${code === "CERT_HAS_EXPIRED" ? "has expired" : "is not valid yet"} (${message}). Renew it on the server (or check this machine's clock).`,
      "tls-expired",
      undefined,
      e,
    );
  }
  if (
    code === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" ||
    (code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" && !profile?.tls?.cert)
  ) {
    return setupError(
      "connection",
      `${where}: TLS: the server requires a client certificate. Set tls.cert and tls.key in the profile to a certificate the server's CA signed.`,
      "tls-client-cert-required",
      "tls.cert",
      e,
    );
  }
  if (
    code === "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA" ||
    code === "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE" ||
    code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" ||
    code === "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR"
  ) {
    return setupError(
      "connection",
      `${where}: TLS: the server refused the client certificate (${message.split("\n", 1)[0]}). tls.cert must be signed by a CA the server trusts (its tls-ca-cert-file), with tls.key its key.`,
      "tls-client-cert-refused",
      "tls.cert",
      e,
    );
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG") {
    return setupError(
      "connection",
      `${where}: TLS: ${target} does not speak TLS on this port. Turn tls off in the profile (redis:// instead of rediss://), or use the server's TLS port.`,
      "tls-not-tls",
      "tls",
      e,
    );
  }
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

function sentinelError(
  e: SentinelLookupError,
  where: string,
  profile: ConnectionProfile | undefined,
): CachifyError {
  const master = profile?.sentinelMaster ?? "?";
  // A sentinel answers get-master-addr-by-name with nil for an unknown name, and the follow-up
  // SENTINEL SENTINELS with "No such master with that name".
  const unknown = [
    ...e.unknownMaster,
    ...e.failures.filter((f) => /No such master/i.test(f.message)).map((f) => f.address),
  ];
  if (unknown.length > 0) {
    return setupError(
      "connection",
      `${where}: the sentinels (${unknown.join(", ")}) answered but monitor no master named "${master}". Check sentinelMaster in the profile (SENTINEL MASTERS on a sentinel lists the names it monitors).`,
      "sentinel-master-unknown",
      "sentinelMaster",
      e,
    );
  }
  const auth = e.failures.find((f) =>
    /WRONGPASS|NOAUTH|invalid password|invalid username/i.test(f.message),
  );
  if (auth) {
    return setupError(
      "connection",
      `${where}: the sentinel ${auth.address} refused the login (${auth.message.split(" ", 1)[0]}). Check sentinelUsername and sentinelPassword in the profile: the sentinels' own password, not the data nodes' (username/password).`,
      "sentinel-auth",
      "sentinelPassword",
      e,
    );
  }
  // ioredis keeps no cause for a sentinel it could not reach ("Connection is closed.").
  const list = e.failures.map(
    (f) =>
      `${f.address}: ${/^Connection is closed/.test(f.message) ? "refused or closed the connection" : f.message.replace(/^connect /, "")}`,
  );
  return setupError(
    "connection",
    `${where}: could not reach any sentinel${list.length ? ` (${list.join("; ")})` : ""}. Check that the sentinels are running and their addresses in the profile (nodes).`,
    "sentinel-unreachable",
    "nodes",
    e,
    { errorClass: "connection", retryable: true },
  );
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
