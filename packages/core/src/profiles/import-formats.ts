import { badInput } from "../common/errors.ts";
import { profilesFromExport } from "./exchange.ts";
import {
  type Entry,
  type EntryError,
  entryLabel,
  isEntryLine,
  jsonEntries,
  uniqueName,
  urlEntries,
} from "./import-entries.ts";
import {
  DETAILED_ERRORS,
  importTooLarge,
  jsonProblem,
  LISTED_ERRORS,
  MAX_IMPORT_ENTRIES,
  MAX_IMPORT_TEXT,
} from "./import-limits.ts";
import { ARDM_KEYS, isObject, RI_KEYS } from "./import-tools.ts";
import type { ConnectionProfile } from "./profile.ts";
import { buildProfile } from "./validate.ts";

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

const NOTHING = "Nothing was imported.";

const KNOWN =
  "a Cachify Studio export, a RedisInsight or Another Redis Desktop Manager connections export, or a text file of connection URLs (redis://host:port, one per line)";

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
