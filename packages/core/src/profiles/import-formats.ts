import { badInput } from "../common/errors.ts";
import { profilesFromExport } from "./exchange.ts";
import {
  DETAILED_ERRORS,
  importTooLarge,
  jsonProblem,
  LISTED_ERRORS,
  MAX_IMPORT_ENTRIES,
  MAX_IMPORT_TEXT,
} from "./import-limits.ts";
import type { ConnectionProfile } from "./profile.ts";
import { redactUrlsIn } from "./url-secrets.ts";
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
 * with every problem listed: a file is imported whole or not at all. Work is linear in the
 * entries, and a file of more than MAX_IMPORT_ENTRIES is refused before any is built.
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
  /** The line number (URL lists) or the position in the list (JSON files), from 0. */
  index: number;
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
  // Most files are not base64: a character outside its alphabet early on says so at once.
  if (/[^A-Za-z0-9+/=\s]/.test(text.slice(0, 4096))) return undefined;
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

/** "entry 3 (orders)": where an entry of a JSON list is, as the user counts. */
function entryLabel(list: unknown[], index: number): string {
  const item = list[index];
  const name = isObject(item) && typeof item.name === "string" ? item.name : "";
  return `entry ${index + 1}${name ? ` (${name})` : ""}`;
}

/** Entries are produced one at a time: each dies young once its profile is built. */
function* jsonEntries(
  list: unknown[],
  format: "redisinsight" | "ardm" | "json-list",
  environment: unknown,
  errors: EntryError[],
): Generator<Entry> {
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    if (!isObject(item)) {
      errors.push({
        index,
        where: entryLabel(list, index),
        message: "not an object with host and port",
      });
      continue;
    }
    let input: ProfileInput;
    try {
      input = format === "ardm" ? fromArdm(item, environment) : fromRedisInsight(item, environment);
    } catch (e) {
      errors.push({ index, where: entryLabel(list, index), message: (e as Error).message });
      continue;
    }
    yield { index, input };
  }
}

const URL_LINE = /^(?:(.*?)\s+)?([a-z][a-z+]*:\/\/\S+)$/i;
const URL_ADDRESS = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?#]+)/i;

const isEntryLine = (line: string) => line !== "" && !line.startsWith("#");

function* urlEntries(
  lines: string[],
  environment: unknown,
  errors: EntryError[],
): Generator<Entry> {
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!isEntryLine(line)) continue;
    if (++count > MAX_IMPORT_ENTRIES) {
      throw importTooLarge(lines.reduce((n, l) => (isEntryLine(l.trim()) ? n + 1 : n), 0));
    }
    const m = URL_LINE.exec(line);
    if (!m) {
      // Redacted before it is cut: a cut could leave a password without the "@" that marks it.
      const safe = redactUrlsIn(line);
      const shown = safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
      errors.push({
        index: i + 1,
        where: `line ${i + 1}`,
        message: `"${shown}" is not a connection URL such as redis://host:6379`,
      });
      continue;
    }
    const url = m[2]!;
    const named = m[1]?.trim();
    yield {
      index: i + 1,
      input: { name: named || (URL_ADDRESS.exec(url)?.[1] ?? url), url, environment },
    };
  }
}

/**
 * "name", then "name (2)", "name (3)"... for names that repeat in another tool's file, cut to fit
 * the 64 characters of a name. `next` remembers each name's next suffix, so n repeats of one name
 * cost n lookups in all, not n² (150,000 of one host:port took minutes).
 */
function uniqueName(name: string, taken: Set<string>, next: Map<string, number>): string {
  if (!taken.has(name)) return name;
  for (let n = next.get(name) ?? 2; ; n++) {
    const suffix = ` (${n})`;
    const stem =
      name.length + suffix.length > 64 ? name.slice(0, 64 - suffix.length).trimEnd() : name;
    const candidate = stem + suffix;
    if (!taken.has(candidate)) {
      next.set(name, n + 1);
      return candidate;
    }
  }
}

/** Reads a connections file of any supported format; throws bad-input naming every problem. */
export function parseConnectionsFile(text: string, options: ImportOptions = {}): ParsedImport {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") throw badInput(`The file is empty: expected ${KNOWN}. ${NOTHING}`);
  if (body.length > MAX_IMPORT_TEXT) {
    throw badInput(
      `The file is ${Math.ceil(body.length / 1048576)} MB; an import reads at most ${MAX_IMPORT_TEXT / 1048576} MB: split it into several files. ${NOTHING}`,
      { field: "content", max: MAX_IMPORT_TEXT },
    );
  }
  const environment = options.environment ?? "dev";
  const errors: EntryError[] = [];
  const notes: string[] = [];
  let format: ImportFormat | undefined;
  let entries: Iterable<Entry>;
  let where: (e: Entry) => string;

  let doc: unknown;
  let isJson = false;
  if (body.startsWith("{") || body.startsWith("[")) {
    try {
      doc = JSON.parse(body);
      isJson = true;
    } catch {
      throw badInput(`The file is not valid JSON (${jsonProblem(body)}). ${NOTHING}`);
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
      const parsed = profilesFromExport(doc);
      return { format: "cachify", version: parsed.version, profiles: parsed.profiles, notes };
    }
    const list = doc as unknown[];
    if (list.length === 0) throw badInput(`The file lists no connections. ${NOTHING}`);
    if (list.length > MAX_IMPORT_ENTRIES) throw importTooLarge(list.length);
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
    where = (e) => entryLabel(list, e.index);
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
    const lines = body.split(/\r?\n/);
    if (!lines.some((l) => isEntryLine(l.trim()))) {
      throw badInput(`The file has no connection URLs (only blank or # lines). ${NOTHING}`);
    }
    entries = urlEntries(lines, environment, errors);
    where = (e) => `line ${e.index}`;
  }

  const profiles: ConnectionProfile[] = [];
  const names = new Set<string>();
  const suffixes = new Map<string, number>();
  for (const e of entries) {
    try {
      const input = e.input;
      if (typeof input.name === "string")
        input.name = uniqueName(input.name.trim(), names, suffixes);
      const p = buildProfile(input);
      names.add(p.name);
      profiles.push(p);
    } catch (err) {
      errors.push({ index: e.index, where: where(e), message: (err as Error).message });
    }
  }
  if (format === "url-list" && profiles.length === 0 && !body.includes("://")) {
    throw badInput(`The file is not one we can read: expected ${KNOWN}. ${NOTHING}`);
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.index - b.index);
    const shown = errors.slice(0, LISTED_ERRORS);
    const list = shown.map((x) => `${x.where}: ${x.message.replace(/\.$/, "")}`).join("; ");
    const more = errors.length - shown.length;
    throw badInput(
      `${errors.length} ${errors.length === 1 ? "entry" : "entries"} of this ${IMPORT_FORMAT_LABEL[format]} cannot be imported: ${list}${more > 0 ? `; and ${more} more` : ""}. ${NOTHING}`,
      {
        format,
        errors: errors.slice(0, DETAILED_ERRORS).map(({ where, message }) => ({ where, message })),
        ...(errors.length > DETAILED_ERRORS ? { errorCount: errors.length } : {}),
      },
    );
  }
  return { format, profiles, notes };
}
