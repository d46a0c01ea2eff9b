/**
 * Warm-up entries read in the browser (a picked file, or text typed or pasted): JSON lines
 * (`{"key": "k", "value": "v", "ttlSeconds"?: 60}`) or CSV with a `key,value[,ttlSeconds]`
 * header, the same two formats the studio reads. Typed entries travel as the template's inline
 * `entries` (at most 10,000); a picked file is uploaded whole (param content) and read by the studio.
 */

export interface WarmupEntry {
  key?: string;
  keyBase64?: string;
  value?: string;
  valueBase64?: string;
  ttlSeconds?: number;
}

export type EntriesFormat = "jsonl" | "csv";

export interface ParsedEntries {
  format: EntriesFormat;
  entries: WarmupEntry[];
  /** Lines that could not be read (the first few), each saying what to fix. */
  errors: string[];
  /** Lines beyond MAX_INLINE_ENTRIES (not kept). */
  tooMany: boolean;
}

export const MAX_INLINE_ENTRIES = 10_000;
const MAX_ERRORS = 5;
const MAX_TTL = 315_360_000;

/** `.csv` is CSV; otherwise the first character decides: `{` is JSON lines. */
export function detectFormat(text: string, fileName?: string): EntriesFormat {
  if (fileName && /\.csv$/i.test(fileName)) return "csv";
  if (fileName && /\.(jsonl|ndjson|json)$/i.test(fileName)) return "jsonl";
  return text.trimStart().startsWith("{") ? "jsonl" : "csv";
}

function ttlOf(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v.trim()) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_TTL) {
    throw new Error(
      `${where}: ttlSeconds must be a whole number of seconds from 1 to ${MAX_TTL.toLocaleString("en-US")}.`,
    );
  }
  return n;
}

function jsonLine(line: string, where: string): WarmupEntry {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new Error(
      `${where} is not valid JSON: write one object per line, {"key":"k","value":"v"}.`,
    );
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new Error(`${where} is not a JSON object: write {"key":"k","value":"v"}.`);
  }
  const r = o as Record<string, unknown>;
  const out: WarmupEntry = {};
  for (const f of ["key", "keyBase64", "valueBase64"] as const) {
    if (r[f] === undefined) continue;
    if (typeof r[f] !== "string") throw new Error(`${where}: ${f} must be a string.`);
    out[f] = r[f] as string;
  }
  if (r.value !== undefined) {
    // A value that is not text (an object, a number) is stored as its JSON, like the studio does.
    out.value = typeof r.value === "string" ? r.value : JSON.stringify(r.value);
  }
  const ttl = ttlOf(r.ttlSeconds ?? r.ttl, where);
  if (ttl !== undefined) out.ttlSeconds = ttl;
  return check(out, where);
}

function check(e: WarmupEntry, where: string): WarmupEntry {
  if ((e.key === undefined) === (e.keyBase64 === undefined)) {
    throw new Error(`${where} needs a key (key or keyBase64, one of them).`);
  }
  if (e.key === "") throw new Error(`${where} has an empty key.`);
  if (e.value === undefined && e.valueBase64 === undefined) {
    throw new Error(`${where} needs a value (value or valueBase64).`);
  }
  return e;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. */
function csvRecords(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const end = () => {
    record.push(field);
    field = "";
    if (!(record.length === 1 && record[0] === "")) out.push({ fields: record, line: recordLine });
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n") {
      end();
      line++;
      recordLine = line;
    } else if (c !== "\r") field += c;
  }
  if (quoted) throw new Error(`CSV line ${recordLine}: a quoted field is never closed: add the ".`);
  end();
  return out;
}

export function parseEntries(text: string, format: EntriesFormat): ParsedEntries {
  const entries: WarmupEntry[] = [];
  const errors: string[] = [];
  let tooMany = false;
  const add = (make: () => WarmupEntry) => {
    if (entries.length >= MAX_INLINE_ENTRIES) {
      tooMany = true;
      return;
    }
    try {
      entries.push(make());
    } catch (e) {
      if (errors.length < MAX_ERRORS) errors.push((e as Error).message);
    }
  };

  if (format === "jsonl") {
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line !== "") add(() => jsonLine(line, `Line ${i + 1}`));
    });
    return { format, entries, errors, tooMany };
  }

  let records: { fields: string[]; line: number }[];
  try {
    records = csvRecords(text);
  } catch (e) {
    return { format, entries, errors: [(e as Error).message], tooMany };
  }
  const [head, ...rows] = records;
  if (!head) return { format, entries, errors, tooMany };
  const header = head.fields.map((h) => h.trim());
  const hasKey = header.includes("key") || header.includes("keyBase64");
  const hasValue = header.includes("value") || header.includes("valueBase64");
  if (!hasKey || !hasValue) {
    // Which column is missing, never the line itself (errors quote no file content).
    errors.push(
      `CSV line 1 must be a header naming the columns: key,value (optionally ttlSeconds); it names no ${hasKey ? "value" : "key"} column.`,
    );
    return { format, entries, errors, tooMany };
  }
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : r[i];
  };
  for (const r of rows) {
    const where = `CSV line ${r.line}`;
    add(() => {
      if (r.fields.length !== header.length) {
        throw new Error(
          `${where} has ${r.fields.length} fields but the header has ${header.length}: quote fields that contain commas.`,
        );
      }
      const e: WarmupEntry = {};
      for (const f of ["key", "keyBase64", "value", "valueBase64"] as const) {
        const v = col(r.fields, f);
        if (v !== undefined) e[f] = v;
      }
      const ttl = ttlOf(col(r.fields, "ttlSeconds") ?? col(r.fields, "ttl"), where);
      if (ttl !== undefined) e.ttlSeconds = ttl;
      return check(e, where);
    });
  }
  return { format, entries, errors, tooMany };
}

/** Entries as JSON lines (to prefill the text box from a saved template). */
export function entriesToJsonLines(entries: readonly WarmupEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join("\n");
}
