import { badInput } from "../common/errors.ts";
import type { Engine, TlsOptions } from "./profile.ts";
import { checkPem, type TlsMaterialField, tlsMaterialKind } from "./validate.ts";

/**
 * What both engine adapters say about TLS, in the same words: reading a profile's TLS files and
 * naming the tls.* field (and the `cachify profile add|edit` flag) to change when a handshake
 * fails. The adapters read the files and open the sockets; this file only words it.
 */

/** The TLS settings as Node's tls.connect takes them, with files read. */
export interface TlsConnectOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

/** How an adapter reads a file: its text, or a throw with a Node errno code. */
export interface TlsFileReader {
  readText(path: string): string;
  homeDir: string;
}

function readMaterial(value: string, field: TlsMaterialField, fs: TlsFileReader): string {
  if (tlsMaterialKind(value) === "pem") return value;
  const path = value.startsWith("~/") ? `${fs.homeDir}${value.slice(1)}` : value;
  let text: string;
  try {
    text = fs.readText(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
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
export function loadTlsMaterial(tls: TlsOptions, fs: TlsFileReader): TlsConnectOptions {
  const o: TlsConnectOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca) o.ca = readMaterial(tls.ca, "ca", fs);
  if (tls.cert) o.cert = readMaterial(tls.cert, "cert", fs);
  if (tls.key) o.key = readMaterial(tls.key, "key", fs);
  if (tls.servername) o.servername = tls.servername;
  return o;
}

/** The `cachify profile add|edit` flags that set each field a TLS failure names. */
export const TLS_FIELD_FLAGS: Record<string, string> = {
  tls: "--tls",
  "tls.ca": "--tls-ca FILE",
  "tls.cert": "--tls-cert FILE with --tls-key FILE",
  "tls.servername": "--tls-servername NAME",
};

/** Node's certificate-verification codes that mean: no CA we trust signed this certificate. */
const UNKNOWN_CA = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** The engine's own words where they differ: its plain URL form and its client-CA setting. */
const ENGINE_WORDS: Record<Engine, { tlsOff: string; clientCa: string }> = {
  redis: { tlsOff: "redis:// instead of rediss://", clientCa: "its tls-ca-cert-file" },
  memcached: { tlsOff: "without --tls", clientCa: "its -o ssl_ca_cert" },
};

/** A failed TLS handshake, as Node reports it. */
export interface TlsFailureInput {
  engine: Engine;
  /** Node's error code (err.code). */
  code: string;
  /** Node's message (its first line is quoted). */
  message: string;
  /** Node's err.reason / err.host for a hostname mismatch. */
  reason?: string;
  host?: string;
  /** host:port of the server. */
  target: string;
  /** The profile's TLS settings and host. */
  tls: TlsOptions | undefined;
  profileHost?: string;
}

/** What to tell the user: the text (without the "where" prefix), a reason code, the field. */
export interface TlsFailure {
  message: string;
  reason: string;
  field: string | undefined;
}

function failure(message: string, reason: string, field: string | undefined): TlsFailure {
  const flag = field ? TLS_FIELD_FLAGS[field] : undefined;
  return {
    message: flag ? `${message} On the command line: cachify profile edit NAME ${flag}.` : message,
    reason,
    field,
  };
}

/**
 * The TLS failure for Node's error code, in words that say which tls.* field to change; undefined
 * when the code is not a TLS one. Shared by the Redis and Memcached adapters.
 */
export function describeTlsFailure(f: TlsFailureInput): TlsFailure | undefined {
  const { code, message, target, tls } = f;
  const words = ENGINE_WORDS[f.engine];
  const first = message.split("\n", 1)[0];
  if (UNKNOWN_CA.has(code)) {
    return failure(
      `TLS: the server's certificate is not signed by a CA this profile trusts (${message}). Set tls.ca to the CA certificate that issued it${tls?.ca ? " (the current tls.ca did not)" : ""}; only for a test server, tls.rejectUnauthorized: false skips the check (--tls-skip-verify).`,
      "tls-unknown-ca",
      "tls.ca",
    );
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const name = tls?.servername ?? f.host ?? f.profileHost ?? "?";
    const listed = /altnames: (.*)$/.exec(f.reason ?? message)?.[1];
    return failure(
      `TLS: the server's certificate is not valid for "${name}"${listed ? ` (it lists ${listed})` : ""}. Set tls.servername to a name the certificate lists, or use such a name as host.`,
      "tls-hostname",
      "tls.servername",
    );
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return failure(
      `TLS: the server's certificate ${code === "CERT_HAS_EXPIRED" ? "has expired" : "is not valid yet"} (${message}). Renew it on the server (or check this machine's clock).`,
      "tls-expired",
      undefined,
    );
  }
  if (
    code === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" ||
    (code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" && !tls?.cert)
  ) {
    return failure(
      "TLS: the server requires a client certificate. Set tls.cert and tls.key in the profile to a certificate the server's CA signed.",
      "tls-client-cert-required",
      "tls.cert",
    );
  }
  if (
    code === "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA" ||
    code === "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE" ||
    code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" ||
    code === "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR"
  ) {
    return failure(
      `TLS: the server refused the client certificate (${first}). tls.cert must be signed by a CA the server trusts (${words.clientCa}), with tls.key its key.`,
      "tls-client-cert-refused",
      "tls.cert",
    );
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG") {
    return {
      message: `TLS: ${target} does not speak TLS on this port. Turn tls off in the profile (${words.tlsOff}), or use the server's TLS port.`,
      reason: "tls-not-tls",
      field: "tls",
    };
  }
  return undefined;
}
