import { badInput, ERROR_CLASSES, type ErrorClass, naming } from "../common/errors.ts";
import { newId } from "../common/ids.ts";
import {
  type ConnectionProfile,
  ENVIRONMENTS,
  type Environment,
  type HostPort,
  PROFILE_DEFAULTS,
  RETRY_DISABLED,
  type RetryPolicy,
  type TlsOptions,
} from "./profile.ts";
import { parseConnectionUrl } from "./url.ts";

/** What a user may send to create or replace a profile: a URL, fields, or both (fields win). */
export interface ProfileInput {
  name?: unknown;
  url?: unknown;
  engine?: unknown;
  mode?: unknown;
  host?: unknown;
  port?: unknown;
  nodes?: unknown;
  sentinelMaster?: unknown;
  sentinelUsername?: unknown;
  sentinelPassword?: unknown;
  username?: unknown;
  password?: unknown;
  db?: unknown;
  tls?: unknown;
  readOnly?: unknown;
  environment?: unknown;
  timeoutMs?: unknown;
  connectTimeoutMs?: unknown;
  retry?: unknown;
  color?: unknown;
}

const NAME_RE = /^[^\x00-\x1f\x7f]{1,64}$/;

function int(v: unknown, field: string, min: number, max: number): number {
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw badInput(
      `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)}).`,
      { param: field },
    );
  }
  return n;
}

/** Fields whose value may hold a secret: never quoted in a message. */
const SECRET_FIELDS = new Set(["password", "sentinelPassword", "url"]);

function str(v: unknown, field: string): string {
  if (typeof v === "string") return v;
  const got = SECRET_FIELDS.has(field) ? "" : ` (got ${JSON.stringify(v)})`;
  throw badInput(`${field} must be text${got}.`, { field, param: field });
}

function bool(v: unknown, field: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  throw badInput(`${field} must be true or false (got ${JSON.stringify(v)}).`, { param: field });
}

function hostPort(v: unknown, field: string): HostPort {
  if (typeof v !== "object" || v === null)
    throw badInput(`${field} must be {host, port}.`, { param: field });
  const o = v as Record<string, unknown>;
  return {
    host: nonEmptyHost(o.host, `${field}.host`),
    port: int(o.port, `${field}.port`, 1, 65535),
  };
}

function nonEmptyHost(v: unknown, field: string): string {
  const h = str(v, field).trim();
  // Never quoted with an "@": that is "user:password@host" typed into the host field.
  if (h.includes("@"))
    throw badInput(
      `${field} holds "@": give the host alone, and the user and password in username and password.`,
      { field, param: field },
    );
  if (h === "" || /\s|\//.test(h))
    throw badInput(`${field} "${h}" is not a host name or address.`, { field, param: field });
  return h;
}

export function validateRetryPolicy(v: unknown): RetryPolicy {
  if (v === undefined || v === null) return { ...RETRY_DISABLED };
  if (typeof v !== "object")
    throw badInput("retry must be an object (see RetryPolicy).", { param: "retry" });
  const o = v as Record<string, unknown>;
  const p: RetryPolicy = { ...RETRY_DISABLED };
  if (o.maxAttempts !== undefined) p.maxAttempts = int(o.maxAttempts, "retry.maxAttempts", 1, 20);
  if (o.backoff !== undefined) {
    if (o.backoff !== "constant" && o.backoff !== "exponential") {
      throw badInput('retry.backoff must be "constant" or "exponential".', {
        param: "retry.backoff",
      });
    }
    p.backoff = o.backoff;
  }
  if (o.initialDelayMs !== undefined)
    p.initialDelayMs = int(o.initialDelayMs, "retry.initialDelayMs", 0, 600_000);
  if (o.maxDelayMs !== undefined) p.maxDelayMs = int(o.maxDelayMs, "retry.maxDelayMs", 0, 600_000);
  if (o.multiplier !== undefined) {
    if (typeof o.multiplier !== "number" || !(o.multiplier >= 1 && o.multiplier <= 10)) {
      throw badInput("retry.multiplier must be a number from 1 to 10.", {
        param: "retry.multiplier",
      });
    }
    p.multiplier = o.multiplier;
  }
  if (o.jitter !== undefined) {
    if (o.jitter !== "none" && o.jitter !== "full")
      throw badInput('retry.jitter must be "none" or "full".', { param: "retry.jitter" });
    p.jitter = o.jitter;
  }
  if (o.retryOn !== undefined) {
    if (!Array.isArray(o.retryOn) || o.retryOn.some((c) => !ERROR_CLASSES.includes(c))) {
      throw badInput(`retry.retryOn must list error classes from: ${ERROR_CLASSES.join(", ")}.`, {
        param: "retry.retryOn",
      });
    }
    p.retryOn = [...o.retryOn] as ErrorClass[];
  }
  if (p.maxDelayMs < p.initialDelayMs) p.maxDelayMs = p.initialDelayMs;
  return p;
}

export type TlsMaterialField = "ca" | "cert" | "key";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;
const WANTED: Record<TlsMaterialField, string> = {
  ca: "the CA certificate (-----BEGIN CERTIFICATE-----)",
  cert: "the client certificate (-----BEGIN CERTIFICATE-----)",
  key: "the client certificate's private key (-----BEGIN PRIVATE KEY-----)",
};

/** Whether a tls.ca/cert/key value is PEM text or names a file (validation has checked which). */
export function tlsMaterialKind(value: string): "pem" | "file" {
  return value.includes("-----BEGIN ") ? "pem" : "file";
}

/**
 * Checks PEM text for tls.ca, tls.cert or tls.key: complete blocks of the right kind, an
 * unencrypted key. Used on pasted text here and on file contents by the Redis adapter. `source`
 * names where the text came from in messages (never the text itself: it may be a private key).
 */
export function checkPem(text: string, field: TlsMaterialField, source = `tls.${field}`): void {
  const labels = [...text.matchAll(PEM_BLOCK)].map((m) => m[1]!);
  if (labels.length === 0) {
    throw badInput(
      `${source} holds no complete PEM block: it should be ${WANTED[field]} through its -----END ...----- line.`,
      { param: `tls.${field}` },
    );
  }
  if (field === "key") {
    const label = labels.find((l) => l.endsWith("PRIVATE KEY"));
    if (!label) {
      throw badInput(
        `${source} holds ${labels.map((l) => `a ${l}`).join(", ")}, not a private key: tls.key must be ${WANTED.key}.`,
        { param: "tls.key" },
      );
    }
    if (label === "ENCRYPTED PRIVATE KEY" || /Proc-Type: 4,ENCRYPTED/.test(text)) {
      throw badInput(
        `${source} is an encrypted private key, which is not supported: decrypt it with "openssl pkey -in key.pem -out key-plain.pem" and use that file.`,
        { param: "tls.key" },
      );
    }
    return;
  }
  const other = labels.find((l) => l !== "CERTIFICATE" && l !== "TRUSTED CERTIFICATE");
  if (other) {
    throw badInput(
      `${source} holds a ${other}, not only certificates: tls.${field} must be ${WANTED[field]}.${other.endsWith("PRIVATE KEY") ? " The private key belongs in tls.key." : ""}`,
      { param: `tls.${field}` },
    );
  }
}

/** PEM text, or an absolute file path (checked for existence where files can be read). */
function tlsMaterial(v: unknown, field: TlsMaterialField): string {
  if (typeof v !== "string") {
    throw badInput(`tls.${field} must be text: PEM text or the absolute path of a PEM file.`, {
      param: `tls.${field}`,
    });
  }
  if (tlsMaterialKind(v) === "pem") {
    checkPem(v, field);
    return v;
  }
  const path = v.trim();
  // A key's value is never echoed: it may be key material pasted without its PEM armour.
  const shown = field === "key" ? "" : ` (got "${path}")`;
  if (/[\0\r\n]/.test(path) || !/^(\/|~\/|[A-Za-z]:[\\/])/.test(path)) {
    throw badInput(
      `tls.${field} must be PEM text (starting with -----BEGIN) or the absolute path of a PEM file, starting with / or ~/${shown}.`,
      { param: `tls.${field}` },
    );
  }
  return path;
}

function validateTls(v: unknown): TlsOptions | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true) return { rejectUnauthorized: true };
  if (typeof v !== "object")
    throw badInput("tls must be true, false or {ca, cert, key, servername, rejectUnauthorized}.", {
      param: "tls",
    });
  const o = v as Record<string, unknown>;
  const t: TlsOptions = {
    rejectUnauthorized:
      o.rejectUnauthorized === undefined
        ? true
        : bool(o.rejectUnauthorized, "tls.rejectUnauthorized"),
  };
  for (const f of ["ca", "cert", "key"] as const) {
    if (o[f] !== undefined && o[f] !== null && o[f] !== "") t[f] = tlsMaterial(o[f], f);
  }
  if (o.servername !== undefined && o.servername !== null && o.servername !== "") {
    const name = str(o.servername, "tls.servername").trim();
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(name)) {
      throw badInput(
        `tls.servername "${name}" is not a host name: give the name the server's certificate is issued for, e.g. redis.example.com.`,
        { param: "tls.servername" },
      );
    }
    t.servername = name;
  }
  if (t.cert !== undefined && t.key === undefined) {
    throw badInput("tls.cert is set without tls.key: a client certificate needs its private key.", {
      param: "tls.key",
    });
  }
  if (t.key !== undefined && t.cert === undefined) {
    throw badInput("tls.key is set without tls.cert: give the client certificate too.", {
      param: "tls.cert",
    });
  }
  return t;
}

/** A connection URL parsed; its errors name the param url. */
function urlOf(v: unknown) {
  const url = str(v, "url");
  try {
    return parseConnectionUrl(url);
  } catch (e) {
    throw naming(e, "url");
  }
}

/**
 * Builds a complete, valid profile from user input (API body, CLI flags, an import file entry).
 * V1 entries simply lack the V2 fields; the defaults here are the V1 upgrade
 * (docs/design/contracts.md#feature-switches-and-v1-compatibility).
 */
export function buildProfile(
  input: ProfileInput,
  base?: ConnectionProfile,
  now: number = Date.now(),
): ConnectionProfile {
  const fromUrl =
    input.url !== undefined && input.url !== null && input.url !== ""
      ? urlOf(input.url)
      : undefined;
  const name = input.name ?? base?.name;
  if (typeof name !== "string" || !NAME_RE.test(name.trim())) {
    throw badInput("name is required: 1 to 64 characters, no control characters.", {
      param: "name",
    });
  }
  const engine = input.engine ?? fromUrl?.engine ?? base?.engine;
  if (engine !== "redis" && engine !== "memcached") {
    throw badInput(
      'engine must be "redis" or "memcached" (or give a url such as redis://localhost:6379).',
      { param: "engine" },
    );
  }
  const mode = input.mode ?? fromUrl?.mode ?? base?.mode ?? PROFILE_DEFAULTS.mode;
  if (mode !== "standalone" && mode !== "cluster" && mode !== "sentinel") {
    throw badInput('mode must be "standalone", "cluster" or "sentinel".', { param: "mode" });
  }
  if (engine === "memcached" && mode !== "standalone") {
    throw badInput(
      "Memcached has no cluster or sentinel mode: list the pool's servers in nodes instead.",
      { param: "mode" },
    );
  }
  const environment = input.environment ?? base?.environment ?? PROFILE_DEFAULTS.environment;
  if (!ENVIRONMENTS.includes(environment as Environment)) {
    throw badInput(
      `environment must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(environment)}).`,
      { param: "environment" },
    );
  }
  const host =
    input.host !== undefined ? nonEmptyHost(input.host, "host") : (fromUrl?.host ?? base?.host);
  if (host === undefined) throw badInput("host is required (or give a url).", { param: "host" });
  const defaultPort = engine === "memcached" ? 11211 : mode === "sentinel" ? 26379 : 6379;
  const port =
    input.port !== undefined
      ? int(input.port, "port", 1, 65535)
      : (fromUrl?.port ?? base?.port ?? defaultPort);
  const p: ConnectionProfile = {
    id: base?.id ?? newId("prof"),
    name: name.trim(),
    engine,
    mode,
    host,
    port,
    readOnly:
      input.readOnly !== undefined
        ? bool(input.readOnly, "readOnly")
        : (base?.readOnly ?? PROFILE_DEFAULTS.readOnly),
    environment: environment as Environment,
    timeoutMs:
      input.timeoutMs !== undefined
        ? int(input.timeoutMs, "timeoutMs", 50, 600_000)
        : (base?.timeoutMs ?? PROFILE_DEFAULTS.timeoutMs),
    connectTimeoutMs:
      input.connectTimeoutMs !== undefined
        ? int(input.connectTimeoutMs, "connectTimeoutMs", 50, 600_000)
        : (base?.connectTimeoutMs ?? PROFILE_DEFAULTS.connectTimeoutMs),
    retry:
      input.retry !== undefined
        ? validateRetryPolicy(input.retry)
        : (base?.retry ?? { ...RETRY_DISABLED }),
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  };
  const nodes =
    input.nodes !== undefined && input.nodes !== null
      ? (() => {
          if (!Array.isArray(input.nodes))
            throw badInput("nodes must be a list of {host, port}.", { param: "nodes" });
          return input.nodes.map((n, i) => hostPort(n, `nodes[${i}]`));
        })()
      : (fromUrl?.nodes ?? base?.nodes);
  if (nodes && nodes.length > 0) p.nodes = nodes;
  const sentinelMaster = input.sentinelMaster ?? fromUrl?.sentinelMaster ?? base?.sentinelMaster;
  if (mode === "sentinel") {
    if (typeof sentinelMaster !== "string" || sentinelMaster === "") {
      throw badInput(
        "A sentinel profile needs sentinelMaster, the name of the master set (e.g. mymaster).",
        { param: "sentinelMaster" },
      );
    }
    p.sentinelMaster = sentinelMaster;
    const sentinelUsername = input.sentinelUsername ?? base?.sentinelUsername;
    if (sentinelUsername !== undefined && sentinelUsername !== null && sentinelUsername !== "")
      p.sentinelUsername = str(sentinelUsername, "sentinelUsername");
    const sentinelPassword = input.sentinelPassword ?? base?.sentinelPassword;
    if (sentinelPassword !== undefined && sentinelPassword !== null && sentinelPassword !== "")
      p.sentinelPassword = str(sentinelPassword, "sentinelPassword");
  } else if (
    (input.sentinelPassword !== undefined &&
      input.sentinelPassword !== null &&
      input.sentinelPassword !== "") ||
    (input.sentinelUsername !== undefined &&
      input.sentinelUsername !== null &&
      input.sentinelUsername !== "")
  ) {
    throw badInput(
      'sentinelUsername and sentinelPassword apply to sentinel profiles only: set mode "sentinel" or remove them.',
      { param: input.sentinelUsername ? "sentinelUsername" : "sentinelPassword" },
    );
  }
  const username = input.username ?? fromUrl?.username ?? base?.username;
  if (username !== undefined && username !== null && username !== "")
    p.username = str(username, "username");
  const password = input.password ?? fromUrl?.password ?? base?.password;
  if (password !== undefined && password !== null && password !== "")
    p.password = str(password, "password");
  const db = input.db ?? fromUrl?.db ?? base?.db;
  if (db !== undefined && db !== null) {
    if (engine === "memcached")
      throw badInput("Memcached has no database index: remove db.", { param: "db" });
    if (mode === "cluster" && Number(db) !== 0)
      throw badInput("Redis Cluster supports only database 0.", { param: "db" });
    p.db = int(db, "db", 0, 15999);
  }
  const tls =
    input.tls !== undefined
      ? validateTls(input.tls)
      : fromUrl?.tls
        ? { rejectUnauthorized: true }
        : base?.tls;
  // Both engines: Redis's TLS, and memcached's own (-Z) for every server of a pool.
  if (tls) p.tls = tls;
  const color = input.color ?? base?.color;
  if (color !== undefined && color !== null && color !== "") p.color = str(color, "color");
  return p;
}
