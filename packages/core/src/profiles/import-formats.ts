import { badInput } from "../common/errors.ts";
import { parseProfileFile } from "./exchange.ts";
import type { ConnectionProfile } from "./profile.ts";
import { buildProfile, type ProfileInput } from "./validate.ts";

/**
 * Connection files the studio reads, recognised by their content (never by the file name):
 * - `cachify`: our own export (V1 or V2), through `parseProfileFile`;
 * - `redisinsight`: RedisInsight's "Export" of its database list, a JSON array of databases
 *   (`host`, `port`, `name`, `db`, `username`, `password`, `connectionType`, `sentinelMaster`,
 *   `tls`, `tlsServername`, `verifyServerCert`, `caCert`, `clientCert`, `ssh`, ...);
 * - `ardm`: Another Redis Desktop Manager's `connections.ano`, base64 of a JSON array of
 *   connections (`host`, `port`, `auth`, `username`, `name`, `cluster`, `connectionReadOnly`,
 *   `sslOptions`, `sentinelOptions`, `sshOptions`) or of `{connections, groups}`; the decoded
 *   JSON is accepted too;
 * - `json-list`: any other JSON array of `{name?, host, port, username?, password?, db?, tls?}`;
 * - `url-list`: text, one connection URL per line (`redis://`, `rediss://`, `redis+cluster://`,
 *   `redis+sentinel://`, `memcached://`), optionally preceded by a name; `#` starts a comment.
 *
 * Every entry is validated before anything is stored, and one bad entry fails the whole file
 * with every problem listed: a file is imported whole or not at all.
 */
export type ImportFormat = "cachify" | "redisinsight" | "ardm" | "json-list" | "url-list";

export const IMPORT_FORMAT_LABEL: Record<ImportFormat, string> = {
  cachify: "Cachify Studio export",
  redisinsight: "RedisInsight database export",
  ardm: "Another Redis Desktop Manager export",
  "json-list": "JSON list of connections",
  "url-list": "list of connection URLs",
};

export interface ParsedImport {
  format: ImportFormat;
  /** The export version of a Cachify file. */
  version?: number;
  profiles: ConnectionProfile[];
  /** Things the user should know about what was read (settings that have no equivalent here). */
  notes: string[];
}

export interface ImportOptions {
  /** The environment given to entries of other tools' files and URL lists (default dev). */
  environment?: unknown;
}

interface Entry {
  index: number;
  /** How the entry is named in errors: "#3 (orders)" or "line 4". */
  label: string;
  input: ProfileInput;
}

interface EntryError {
  index: number;
  /** "entry 3 (orders)" or "line 4": where the problem is, as the user counts. */
  where: string;
  message: string;
}

const NOTHING = "Nothing was imported.";
const KNOWN =
  "a Cachify Studio export, a RedisInsight or Another Redis Desktop Manager connections export, or a text file of connection URLs (redis://host:port, one per line)";

const RI_KEYS = [
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
const ARDM_KEYS = [
  "auth",
  "sslOptions",
  "sentinelOptions",
  "sshOptions",
  "connectionReadOnly",
  "separator",
  "cluster",
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A value worth copying: not undefined, null or "". */
const given = (v: unknown): boolean => v !== undefined && v !== null && v !== "";

function put(target: ProfileInput, field: keyof ProfileInput, v: unknown): void {
  if (given(v)) target[field] = v;
}

function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    const bin = atob(compact);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
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
function fromRedisInsight(o: Record<string, unknown>, environment: unknown): ProfileInput {
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
function fromArdm(o: Record<string, unknown>, environment: unknown): ProfileInput {
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

function jsonEntries(
  list: unknown[],
  format: "redisinsight" | "ardm" | "json-list",
  environment: unknown,
  errors: EntryError[],
): Entry[] {
  const out: Entry[] = [];
  list.forEach((item, index) => {
    const name = isObject(item) && typeof item.name === "string" ? item.name : "";
    const label = `entry ${index + 1}${name ? ` (${name})` : ""}`;
    if (!isObject(item)) {
      errors.push({ index, where: label, message: "not an object with host and port" });
      return;
    }
    try {
      const input =
        format === "ardm" ? fromArdm(item, environment) : fromRedisInsight(item, environment);
      out.push({ index, label, input });
    } catch (e) {
      errors.push({ index, where: label, message: (e as Error).message });
    }
  });
  return out;
}

function urlEntries(text: string, environment: unknown, errors: EntryError[]): Entry[] {
  const out: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:(.*?)\s+)?([a-z][a-z+]*:\/\/\S+)$/i.exec(line);
    if (!m) {
      const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line;
      errors.push({
        index: i + 1,
        where: `line ${i + 1}`,
        message: `"${shown}" is not a connection URL such as redis://host:6379`,
      });
      return;
    }
    const url = m[2]!;
    const named = m[1]?.trim();
    const addr = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?#]+)/i.exec(url)?.[1] ?? url;
    out.push({
      index: i + 1,
      label: `line ${i + 1}`,
      input: { name: named || addr, url, environment },
    });
  });
  return out;
}

/** "name", then "name (2)", "name (3)"... for names that repeat in another tool's file. */
function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const next = `${name.slice(0, 58)} (${n})`;
    if (!taken.has(next)) return next;
  }
}

/** Reads a connections file of any supported format; throws bad-input naming every problem. */
export function parseConnectionsFile(text: string, options: ImportOptions = {}): ParsedImport {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") throw badInput(`The file is empty: expected ${KNOWN}. ${NOTHING}`);
  const environment = options.environment ?? "dev";
  const errors: EntryError[] = [];
  const notes: string[] = [];
  let format: ImportFormat | undefined;
  let entries: Entry[];

  let doc: unknown;
  let isJson = false;
  if (body.startsWith("{") || body.startsWith("[")) {
    try {
      doc = JSON.parse(body);
      isJson = true;
    } catch (e) {
      throw badInput(`The file is not valid JSON (${(e as Error).message}). ${NOTHING}`);
    }
  } else {
    const decoded = decodeBase64Text(body);
    if (decoded !== undefined) {
      try {
        doc = JSON.parse(decoded);
      } catch {
        throw badInput(
          `The file looks like base64 (an Another Redis Desktop Manager .ano export) but does not decode to its JSON: re-export it from Another Redis Desktop Manager (Settings › Export). ${NOTHING}`,
        );
      }
      if (!Array.isArray(doc) && !(isObject(doc) && Array.isArray(doc.connections))) {
        throw badInput(
          `The base64 file decodes to JSON that is not an Another Redis Desktop Manager connection list. ${NOTHING}`,
        );
      }
      isJson = true;
      format = "ardm";
    }
  }

  if (isJson) {
    if (isObject(doc) && Array.isArray(doc.connections) && doc.version === undefined) {
      format = "ardm";
      doc = doc.connections;
    } else if (isObject(doc)) {
      if (doc.version === undefined && doc.profiles === undefined) {
        throw badInput(
          `The JSON object is not a file we know: expected ${KNOWN} (a Cachify Studio export looks like {"version": 2, "profiles": [...]}). ${NOTHING}`,
        );
      }
      const parsed = parseProfileFile(body);
      return { format: "cachify", version: parsed.version, profiles: parsed.profiles, notes };
    }
    const list = doc as unknown[];
    if (list.length === 0) throw badInput(`The file lists no connections. ${NOTHING}`);
    const objects = list.filter(isObject);
    const has = (keys: string[]) => objects.some((o) => keys.some((k) => k in o));
    const jsonFormat =
      format === "ardm"
        ? "ardm"
        : has(RI_KEYS)
          ? "redisinsight"
          : has(ARDM_KEYS)
            ? "ardm"
            : "json-list";
    format = jsonFormat;
    entries = jsonEntries(list, jsonFormat, environment, errors);
    if (format === "redisinsight") {
      const packed = objects.filter(
        (o) => typeof o.compressor === "string" && !/^none$/i.test(o.compressor),
      );
      if (packed.length > 0) {
        notes.push(
          `${packed.length} connection(s) had a value decompressor set in RedisInsight (${[...new Set(packed.map((o) => o.compressor))].join(", ")}): Cachify Studio shows such values as stored (bytes).`,
        );
      }
    }
  } else {
    format = "url-list";
    entries = urlEntries(body, environment, errors);
    if (entries.length === 0 && errors.length === 0) {
      throw badInput(`The file has no connection URLs (only blank or # lines). ${NOTHING}`);
    }
    if (entries.length === 0 && errors.length > 0 && !body.includes("://")) {
      throw badInput(`The file is not one we can read: expected ${KNOWN}. ${NOTHING}`);
    }
  }

  const profiles: ConnectionProfile[] = [];
  const names = new Set<string>();
  for (const e of entries) {
    try {
      const input = { ...e.input };
      if (typeof input.name === "string") input.name = uniqueName(input.name.trim(), names);
      const p = buildProfile(input);
      names.add(p.name);
      profiles.push(p);
    } catch (err) {
      errors.push({ index: e.index, where: e.label, message: (err as Error).message });
    }
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.index - b.index);
    const list = errors.map((x) => `${x.where}: ${x.message.replace(/\.$/, "")}`).join("; ");
    throw badInput(
      `${errors.length} ${errors.length === 1 ? "entry" : "entries"} of this ${IMPORT_FORMAT_LABEL[format]} cannot be imported: ${list}. ${NOTHING}`,
      { format, errors: errors.map(({ where, message }) => ({ where, message })) },
    );
  }
  return { format, profiles, notes };
}
