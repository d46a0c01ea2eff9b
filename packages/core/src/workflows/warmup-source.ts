import { badInput } from "../common/errors.ts";
import { bytesFromBase64, keyFromText } from "../common/keys.ts";
import type { WarmupEntryInput } from "./types.ts";

export interface WarmupEntry {
  key: Uint8Array;
  value: Uint8Array;
  ttlSeconds?: number;
}

const MAX_TTL = 315_360_000;

function bytesOf(text: string | undefined, b64: string | undefined, what: string, where: string) {
  if (b64 !== undefined) {
    try {
      return bytesFromBase64(b64);
    } catch {
      throw badInput(`${where}: ${what}Base64 is not valid base64.`);
    }
  }
  if (text === undefined) throw badInput(`${where} has no ${what}.`);
  return keyFromText(text);
}

function ttlOf(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_TTL) {
    throw badInput(
      `${where}: ttlSeconds must be a whole number of seconds from 1 to ${MAX_TTL}; got ${JSON.stringify(v)}.`,
    );
  }
  return n;
}

/** An inline entry (API, saved template) as bytes. */
export function entryFromInput(e: WarmupEntryInput, index: number): WarmupEntry {
  const where = `entry ${index + 1}`;
  const out: WarmupEntry = {
    key: bytesOf(e.key, e.keyBase64, "key", where),
    value: bytesOf(e.value, e.valueBase64, "value", where),
  };
  const ttl = ttlOf(e.ttlSeconds, where);
  if (ttl !== undefined) out.ttlSeconds = ttl;
  if (out.key.length === 0) throw badInput(`${where} has an empty key.`);
  return out;
}

/**
 * One JSON line: {"key": "k", "value": "v", "ttlSeconds"?: 60}; keyBase64 / valueBase64 for bytes;
 * a value that is not text (an object, a number) is stored as its JSON. Blank lines are skipped
 * (undefined).
 */
export function parseJsonLine(line: string, lineNo: number): WarmupEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  const where = `line ${lineNo}`;
  let o: unknown;
  try {
    o = JSON.parse(trimmed);
  } catch (e) {
    throw badInput(
      `${where} is not valid JSON (${(e as Error).message}): each line must be one object like {"key":"k","value":"v"}.`,
    );
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw badInput(`${where} is not a JSON object: write {"key":"k","value":"v"}.`);
  }
  const r = o as Record<string, unknown>;
  const text = (v: unknown, f: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw badInput(`${where}: ${f} must be a string.`);
    return v;
  };
  const value =
    r.value === undefined || typeof r.value === "string" ? r.value : JSON.stringify(r.value);
  const out: WarmupEntry = {
    key: bytesOf(text(r.key, "key"), text(r.keyBase64, "keyBase64"), "key", where),
    value: bytesOf(value as string | undefined, text(r.valueBase64, "valueBase64"), "value", where),
  };
  const ttl = ttlOf(r.ttlSeconds ?? r.ttl, where);
  if (ttl !== undefined) out.ttlSeconds = ttl;
  if (out.key.length === 0) throw badInput(`${where} has an empty key.`);
  return out;
}

/**
 * CSV (RFC 4180: quoted fields may hold commas, quotes doubled, and newlines), fed in chunks. The
 * first record is the header: key (or keyBase64), value (or valueBase64), optional ttlSeconds.
 */
export class CsvEntryParser {
  private field = "";
  private record: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private header: string[] | undefined;
  private line = 1;
  private recordLine = 1;

  /** Parses a chunk; returns the complete entries in it. */
  push(text: string): WarmupEntry[] {
    const out: WarmupEntry[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the end of a chunk: decided by the next chunk.
            this.quoted = false;
            this.afterQuote = true;
          } else {
            this.quoted = false;
            this.afterQuote = true;
          }
        } else {
          if (c === "\n") this.line++;
          this.field += c;
        }
        continue;
      }
      if (this.afterQuote && c === '"') {
        // The doubled quote was split across chunks.
        this.field += '"';
        this.quoted = true;
        this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (c === '"' && this.field === "") this.quoted = true;
      else if (c === ",") {
        this.record.push(this.field);
        this.field = "";
      } else if (c === "\n") {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
      } else if (c !== "\r") this.field += c;
    }
    return out;
  }

  /** The last record when the file does not end in a newline. */
  end(): WarmupEntry[] {
    if (this.quoted) {
      throw badInput(
        `CSV line ${this.recordLine}: a quoted field is never closed: add the closing ".`,
      );
    }
    const out: WarmupEntry[] = [];
    this.endRecord(out);
    return out;
  }

  private endRecord(out: WarmupEntry[]): void {
    this.record.push(this.field);
    this.field = "";
    const rec = this.record;
    this.record = [];
    if (rec.length === 1 && rec[0] === "") return;
    if (!this.header) {
      this.header = rec.map((h) => h.trim());
      const h = this.header;
      const hasKey = h.includes("key") || h.includes("keyBase64");
      const hasValue = h.includes("value") || h.includes("valueBase64");
      if (!hasKey || !hasValue) {
        throw badInput(
          `CSV line 1 must be a header naming the columns: key,value (optionally ttlSeconds; keyBase64/valueBase64 for bytes); got "${rec.join(",")}".`,
        );
      }
      return;
    }
    const where = `CSV line ${this.recordLine}`;
    if (rec.length !== this.header.length) {
      throw badInput(
        `${where} has ${rec.length} fields but the header has ${this.header.length}: quote fields that contain commas.`,
      );
    }
    const get = (name: string) => {
      const i = this.header!.indexOf(name);
      return i < 0 ? undefined : rec[i];
    };
    const entry: WarmupEntry = {
      key: bytesOf(get("key"), get("keyBase64"), "key", where),
      value: bytesOf(get("value"), get("valueBase64"), "value", where),
    };
    const ttl = ttlOf(get("ttlSeconds") ?? get("ttl"), where);
    if (ttl !== undefined) entry.ttlSeconds = ttl;
    if (entry.key.length === 0) throw badInput(`${where} has an empty key.`);
    out.push(entry);
  }
}

/** Splits text chunks into lines (LF or CRLF), keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest = "";
  private n = 0;

  push(text: string, each: (line: string, lineNo: number) => void): void {
    const all = this.rest + text;
    let start = 0;
    for (;;) {
      const nl = all.indexOf("\n", start);
      if (nl < 0) break;
      this.n++;
      each(all.slice(start, nl > start && all[nl - 1] === "\r" ? nl - 1 : nl), this.n);
      start = nl + 1;
    }
    this.rest = all.slice(start);
  }

  end(each: (line: string, lineNo: number) => void): void {
    if (this.rest !== "") {
      this.n++;
      each(this.rest, this.n);
    }
    this.rest = "";
  }
}
