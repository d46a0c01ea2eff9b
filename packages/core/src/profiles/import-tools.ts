import { badInput } from "../common/errors.ts";
import type { ProfileInput } from "./validate.ts";

/**
 * Other tools' connection entries as our profile input: RedisInsight's database export and
 * Another Redis Desktop Manager's connections, the keys that tell them apart, and what has no
 * equivalent here (an SSH tunnel is refused, naming the way around it).
 */

/** Keys only a RedisInsight export has (a JSON list with any of them is one). */
export const RI_KEYS = [
  "connectionType",
  "caCert",
  "clientCert",
  "tlsServername",
  "verifyServerCert",
  "sentinelMaster",
  "provider",
  "nameFromProvider",
  "modules",
  "compressor",
];
/** Keys only an Another Redis Desktop Manager export has. */
export const ARDM_KEYS = [
  "auth",
  "sslOptions",
  "sentinelOptions",
  "sshOptions",
  "connectionReadOnly",
  "separator",
  "cluster",
];

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A value worth copying: not undefined, null or "". */
const given = (v: unknown): boolean => v !== undefined && v !== null && v !== "";

function put(target: ProfileInput, field: keyof ProfileInput, v: unknown): void {
  if (given(v)) target[field] = v;
}

/** Name of an entry from another tool: its own, else host:port. */
function entryName(o: Record<string, unknown>, host: unknown, port: unknown): unknown {
  for (const k of ["name", "connectionName"])
    if (typeof o[k] === "string" && o[k] !== "") return o[k];
  if (typeof host === "string" && host !== "") return `${host}:${given(port) ? port : 6379}`;
  return undefined;
}

function sshRefusal(): string {
  return "uses an SSH tunnel, which Cachify Studio does not open: start the tunnel yourself (ssh -L) and add the connection on its local port, or remove the entry from the file";
}

/** RedisInsight's exported databases (and the generic JSON list, which is a subset). */
export function fromRedisInsight(o: Record<string, unknown>, environment: unknown): ProfileInput {
  if (o.ssh === true || (isObject(o.sshOptions) && given(o.sshOptions.host))) {
    throw badInput(sshRefusal());
  }
  const input: ProfileInput = { engine: "redis", environment };
  put(input, "name", entryName(o, o.host, o.port));
  put(input, "host", o.host);
  put(input, "port", o.port);
  put(input, "db", o.db);
  const type = typeof o.connectionType === "string" ? o.connectionType.toUpperCase() : "";
  const sentinel = isObject(o.sentinelMaster) ? o.sentinelMaster : undefined;
  if (type === "CLUSTER" || o.cluster === true || o.isCluster === true) {
    input.mode = "cluster";
    if (given(o.host)) input.nodes = [{ host: o.host, port: o.port ?? 6379 }];
    put(input, "username", o.username);
    put(input, "password", o.password);
  } else if (type === "SENTINEL" || (sentinel && given(sentinel.name))) {
    // The address is a sentinel; the top-level login is the sentinels', the master's is inside.
    input.mode = "sentinel";
    if (given(o.host)) input.nodes = [{ host: o.host, port: o.port ?? 26379 }];
    put(input, "sentinelMaster", sentinel?.name);
    put(input, "sentinelUsername", o.username);
    put(input, "sentinelPassword", o.password);
    put(input, "username", sentinel?.username);
    put(input, "password", sentinel?.password);
  } else {
    put(input, "username", o.username);
    put(input, "password", o.password);
  }
  const ca = isObject(o.caCert) ? o.caCert.certificate : undefined;
  const client = isObject(o.clientCert) ? o.clientCert : undefined;
  if (o.tls === true || given(ca) || given(client?.certificate)) {
    const tls: Record<string, unknown> = { rejectUnauthorized: o.verifyServerCert !== false };
    if (given(ca)) tls.ca = ca;
    if (given(client?.certificate)) tls.cert = client?.certificate;
    if (given(client?.key)) tls.key = client?.key;
    if (given(o.tlsServername)) tls.servername = o.tlsServername;
    input.tls = tls;
  } else if (o.tls !== undefined && o.tls !== false && o.tls !== null) {
    input.tls = o.tls;
  }
  return input;
}

/** Another Redis Desktop Manager's connection entries. */
export function fromArdm(o: Record<string, unknown>, environment: unknown): ProfileInput {
  if (isObject(o.sshOptions) && given(o.sshOptions.host)) throw badInput(sshRefusal());
  const input: ProfileInput = { engine: "redis", environment };
  const host = given(o.host) ? o.host : "127.0.0.1";
  const port = given(o.port) ? o.port : undefined;
  put(input, "name", entryName(o, host, port ?? 6379));
  input.host = host;
  put(input, "port", port);
  if (o.connectionReadOnly === true) input.readOnly = true;
  const sentinel = isObject(o.sentinelOptions) ? o.sentinelOptions : undefined;
  if (o.cluster === true && sentinel) {
    throw badInput("is marked both cluster and sentinel: keep one of the two in the file");
  }
  if (o.cluster === true) {
    input.mode = "cluster";
    input.nodes = [{ host, port: port ?? 6379 }];
    put(input, "username", o.username);
    put(input, "password", o.auth);
  } else if (sentinel) {
    input.mode = "sentinel";
    input.nodes = [{ host, port: port ?? 26379 }];
    put(input, "sentinelMaster", sentinel.masterName ?? sentinel.name);
    put(input, "sentinelPassword", o.auth);
    put(input, "password", sentinel.nodePassword);
    put(input, "username", o.username);
  } else {
    put(input, "username", o.username);
    put(input, "password", o.auth);
  }
  if (isObject(o.sslOptions)) {
    // ARDM keeps certificate files by path: they are read (and checked) where the studio runs.
    const s = o.sslOptions;
    const tls: Record<string, unknown> = { rejectUnauthorized: true };
    for (const f of ["ca", "cert", "key", "servername"]) if (given(s[f])) tls[f] = s[f];
    input.tls = tls;
  }
  return input;
}
