import { badInput } from "../common/errors.ts";
import { bytesOf, ttlOf, type WarmupEntry } from "./warmup-entry.ts";

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
        // Which column is missing, not what the line says: it may be any file's first line.
        throw badInput(
          `CSV line 1 must be a header naming the columns: key,value (optionally ttlSeconds; keyBase64/valueBase64 for bytes); it names no ${hasKey ? "value" : "key"} column.`,
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
