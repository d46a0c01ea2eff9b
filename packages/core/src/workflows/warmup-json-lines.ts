import { badInput } from "../common/errors.ts";
import { parseJsonLine, ttlOf, type WarmupEntry } from "./warmup-entry.ts";

/**
 * The longest JSON line a warm-up file may have (3 MiB). A plan stores its entries 256 to a
 * SQLite BLOB, whose largest size is 1,000,000,000 bytes: 256 lines of 3 MiB (805 MB) fit, where
 * 64 MiB lines would need 16 GiB. Three times Memcached's default item limit, far above a usual
 * cache value; a longer line is refused without being held whole.
 */
export const MAX_JSON_LINE_BYTES = 3 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIELD_KEY = 1;
const FIELD_VALUE = 2;
const FIELD_TTL_SECONDS = 4;
const FIELD_TTL = 8;
/** Keeps a BOM for parseJsonLine to trim, as the text path did. */
const lineDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === CR;
}

/** Which of the fields the fast path knows `b[s, e)` names (0: another one). */
function fieldOf(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 3 && b[s] === 0x6b && b[s + 1] === 0x65 && b[s + 2] === 0x79) return FIELD_KEY;
  if (n === 5 && b[s] === 0x76 && b[s + 1] === 0x61 && b[s + 2] === 0x6c) {
    return b[s + 3] === 0x75 && b[s + 4] === 0x65 ? FIELD_VALUE : 0;
  }
  if (n === 3 && b[s] === 0x74 && b[s + 1] === 0x74 && b[s + 2] === 0x6c) return FIELD_TTL;
  if (n === 10 && b[s] === 0x74 && b[s + 1] === 0x74 && b[s + 2] === 0x6c) {
    const rest = "Seconds";
    for (let i = 0; i < 7; i++) if (b[s + 3 + i] !== rest.charCodeAt(i)) return 0;
    return FIELD_TTL_SECONDS;
  }
  return 0;
}

/**
 * JSON lines read from bytes, fed in chunks (a file read as Buffers; a file of millions of lines
 * is never held whole). A line of the usual shape, an object of "key", "value" and "ttlSeconds"
 * (or "ttl") with printable-ASCII strings without escapes and a whole-number TTL, in any order and
 * with spaces between tokens, is read straight from the bytes: its key and value are views of the
 * chunk, nothing is decoded, encoded or copied. Every other line (escapes, non-ASCII text, base64
 * fields, other fields, a value that is not a string, bad JSON) goes to parseJsonLine, so both
 * ways give the same entries and the same errors, naming the same line.
 */
export class JsonLinesParser {
  /** The start of a line the last chunk did not finish, and its length. */
  private rest: Uint8Array[] = [];
  private held = 0;
  private lineNo = 0;

  /**
   * Parses a chunk; returns the entries of the lines it completes. Their keys and values may be
   * views of the chunk: it must not be changed afterwards.
   */
  push(input: Uint8Array): WarmupEntry[] {
    // A plain Uint8Array over the same memory (a Buffer's views cost more to make).
    const chunk = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const out: WarmupEntry[] = [];
    let start = 0;
    if (this.rest.length > 0) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        this.hold(chunk, 0);
        return out;
      }
      this.hold(chunk.subarray(0, lf), 0, false);
      const line = concatBytes(this.rest);
      this.rest = [];
      this.held = 0;
      this.line(line, 0, line.length, out);
      start = lf + 1;
    }
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      if (lf < 0) break;
      this.line(chunk, start, lf, out);
      start = lf + 1;
    }
    if (start < chunk.length) this.hold(chunk, start);
    return out;
  }

  /**
   * Keeps the unfinished line's bytes from `from` on, refusing them once the line is longer than
   * the cap (one byte more for a CR before the newline): memory stays bounded by the cap.
   */
  private hold(chunk: Uint8Array, from: number, copy = true): void {
    this.held += chunk.length - from;
    if (this.held > MAX_JSON_LINE_BYTES + 1) throw lineTooLong(this.lineNo + 1);
    // A copy, so a short unfinished line does not hold the whole chunk.
    this.rest.push(copy ? chunk.slice(from) : chunk.subarray(from));
  }

  /** The last line when the file does not end in a newline. */
  end(): WarmupEntry[] {
    const out: WarmupEntry[] = [];
    if (this.rest.length > 0) {
      const line = concatBytes(this.rest);
      this.rest = [];
      this.held = 0;
      this.line(line, 0, line.length, out);
    }
    return out;
  }

  private line(b: Uint8Array, s: number, e: number, out: WarmupEntry[]): void {
    this.lineNo++;
    let end = e;
    if (end > s && b[end - 1] === CR) end--;
    if (end - s > MAX_JSON_LINE_BYTES) throw lineTooLong(this.lineNo);
    const fast = this.fast(b, s, end);
    if (fast) {
      out.push(fast);
      return;
    }
    const entry = parseJsonLine(lineDecoder.decode(b.subarray(s, end)), this.lineNo);
    if (entry) out.push(entry);
  }

  /** The entry of a line of the usual shape, or undefined for parseJsonLine to read. */
  private fast(b: Uint8Array, s: number, e: number): WarmupEntry | undefined {
    let i = s;
    while (i < e && isSpace(b[i])) i++;
    if (i >= e || b[i] !== 0x7b) return undefined;
    i++;
    while (i < e && isSpace(b[i])) i++;
    let seen = 0;
    let key: Uint8Array | undefined;
    let value: Uint8Array | undefined;
    let ttl = 0;
    for (;;) {
      if (i >= e || b[i] !== QUOTE) return undefined;
      const ns = i + 1;
      let ne = ns;
      while (ne < e && b[ne] !== QUOTE) ne++;
      if (ne >= e) return undefined;
      const field = fieldOf(b, ns, ne);
      if (field === 0 || (seen & field) !== 0) return undefined;
      seen |= field;
      i = ne + 1;
      while (i < e && isSpace(b[i])) i++;
      if (i >= e || b[i] !== 0x3a) return undefined;
      i++;
      while (i < e && isSpace(b[i])) i++;
      if (field === FIELD_KEY || field === FIELD_VALUE) {
        if (i >= e || b[i] !== QUOTE) return undefined;
        const vs = i + 1;
        let ve = vs;
        for (; ve < e; ve++) {
          const c = b[ve]!;
          if (c === QUOTE) break;
          if (c < 0x20 || c > 0x7e || c === BACKSLASH) return undefined;
        }
        if (ve >= e) return undefined;
        if (field === FIELD_KEY) key = b.subarray(vs, ve);
        else value = b.subarray(vs, ve);
        i = ve + 1;
      } else {
        const ds = i;
        let n = 0;
        while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) n = n * 10 + (b[i++]! - 0x30);
        // No digits, a leading zero or more digits than a double holds: parseJsonLine decides.
        if (i === ds || i - ds > 15 || (b[ds] === 0x30 && i - ds > 1)) return undefined;
        ttl = n;
      }
      while (i < e && isSpace(b[i])) i++;
      if (i < e && b[i] === 0x2c) {
        i++;
        while (i < e && isSpace(b[i])) i++;
        continue;
      }
      if (i >= e || b[i] !== 0x7d) return undefined;
      i++;
      while (i < e && isSpace(b[i])) i++;
      if (i !== e) return undefined;
      break;
    }
    // Missing or empty fields and both TTL names: parseJsonLine says what is wrong, or which wins.
    if (!key || key.length === 0 || !value) return undefined;
    if ((seen & FIELD_TTL_SECONDS) !== 0 && (seen & FIELD_TTL) !== 0) return undefined;
    if ((seen & (FIELD_TTL_SECONDS | FIELD_TTL)) === 0) return { key, value };
    return { key, value, ttlSeconds: ttlOf(ttl, `line ${this.lineNo}`)! };
  }
}

function lineTooLong(lineNo: number) {
  return badInput(
    `line ${lineNo} is longer than ${MAX_JSON_LINE_BYTES / 1024 / 1024} MiB, the most a warm-up line may hold: set a value that large on its own (cachify set), or split it into smaller keys.`,
  );
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
