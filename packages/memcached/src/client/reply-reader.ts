import {
  type ErrorReply,
  type MetaStatus,
  ProtocolError,
  type Reply,
  type ReplyShape,
} from "./replies.ts";

const LF = 0x0a;
const META_STATUSES = new Set<string>(["VA", "HD", "EN", "NF", "NS", "EX", "MN"]);
const CRAWLER_STATUSES = new Set<string>(["BUSY", "BADCLASS", "NOTSTARTED"]);

/**
 * Reads replies out of the byte stream, one at a time, in the shape the caller expects (the
 * connection knows which request is at the head of its queue). Incremental: `read` returns
 * undefined until the whole reply has arrived, and keeps partial progress between calls.
 *
 * Buffering is linear: incoming chunks are queued and joined only when a parse can make progress,
 * so a 1 MB value arriving in 64 KB pieces is copied once, and a metadump of millions of lines
 * only ever keeps the unfinished tail of the last line.
 */
export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private queued = 0;
  /** Bytes (from the start of `buf`) needed before another attempt can finish a value. */
  private need = 0;
  /** Progress of a stats or dump reply that spans several reads. */
  private stats: Record<string, string> | undefined;
  private dumpLines = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /** Bytes received and not yet read as a reply. */
  get buffered(): number {
    return this.buf.length + this.queued;
  }

  /** Forgets everything buffered (the connection was dropped). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.chunks = [];
    this.queued = 0;
    this.need = 0;
    this.stats = undefined;
    this.dumpLines = 0;
  }

  /**
   * The next complete reply, or undefined when more bytes are needed. `onLine` receives each
   * metadump entry line (shape "dump") as bytes. Throws ProtocolError when the stream is not
   * valid.
   */
  read(shape: ReplyShape, onLine?: DumpLineHandler): Reply | undefined {
    if (this.buf.length + this.queued < this.need) return undefined;
    if (this.chunks.length > 0) {
      this.buf =
        this.buf.length === 0 && this.chunks.length === 1
          ? this.chunks[0]!
          : Buffer.concat([this.buf, ...this.chunks]);
      this.chunks = [];
      this.queued = 0;
    }
    switch (shape) {
      case "meta":
      case "quiet":
        // A quiet run's replies are meta replies one by one (the connection groups them).
        return this.readMeta();
      case "line":
        return this.readSingleLine();
      case "stats":
        return this.readStats();
      case "dump":
        return this.readDump(onLine);
    }
  }

  /** The next line without its line end, and where the line after it starts. */
  private nextLine(from: number): { text: string; next: number } | undefined {
    const lf = this.buf.indexOf(LF, from);
    if (lf < 0) return undefined;
    const end = lf > from && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
    return { text: this.buf.toString("latin1", from, end), next: lf + 1 };
  }

  private consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.need = 0;
  }

  private readMeta(): Reply | undefined {
    const line = this.nextLine(0);
    if (!line) return undefined;
    const error = errorReply(line.text, false);
    if (error) {
      this.consume(line.next);
      return error;
    }
    const tokens = line.text.split(" ");
    const status = tokens[0]!;
    if (!META_STATUSES.has(status)) throw new ProtocolError(`unexpected reply line "${line.text}"`);
    let flagTokens = tokens.slice(1);
    let value: Buffer | undefined;
    if (status === "VA") {
      const len = Number(tokens[1]);
      if (!Number.isInteger(len) || len < 0)
        throw new ProtocolError(`bad value length in "${line.text}"`);
      const end = line.next + len;
      if (this.buf.length < end + 2) {
        this.need = end + 2;
        return undefined;
      }
      if (this.buf[end] !== 0x0d || this.buf[end + 1] !== LF) {
        throw new ProtocolError("value block is not followed by CR LF");
      }
      value = Buffer.from(this.buf.subarray(line.next, end));
      flagTokens = tokens.slice(2);
      this.consume(end + 2);
    } else {
      this.consume(line.next);
    }
    const flags: Record<string, string> = {};
    for (const t of flagTokens) if (t !== "") flags[t[0]!] = t.slice(1);
    return value === undefined
      ? { kind: "meta", status: status as MetaStatus, flags }
      : { kind: "meta", status: status as MetaStatus, flags, value };
  }

  private readSingleLine(): Reply | undefined {
    const line = this.nextLine(0);
    if (!line) return undefined;
    this.consume(line.next);
    return errorReply(line.text, false) ?? { kind: "line", line: line.text };
  }

  private readStats(): Reply | undefined {
    this.stats ??= {};
    let pos = 0;
    for (;;) {
      const line = this.nextLine(pos);
      if (!line) break;
      pos = line.next;
      if (line.text === "END") {
        const stats = this.stats;
        this.stats = undefined;
        this.consume(pos);
        return { kind: "stats", stats };
      }
      const error = errorReply(line.text, false);
      if (error) {
        this.stats = undefined;
        this.consume(pos);
        return error;
      }
      const m = /^STAT (\S+) ?(.*)$/.exec(line.text);
      if (!m) throw new ProtocolError(`unexpected stats line "${line.text}"`);
      this.stats[m[1]!] = m[2]!;
    }
    this.consume(pos);
    return undefined;
  }

  /**
   * Entry lines go to `onLine` as a range of the buffer, never made into strings (a dump of
   * millions of keys); only the closing line (END or an error) is read as text.
   */
  private readDump(onLine?: DumpLineHandler): Reply | undefined {
    const buf = this.buf;
    let pos = 0;
    for (;;) {
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) break;
      const start = pos;
      pos = lf + 1;
      if (buf[start] === 0x6b && buf[start + 1] === 0x65 && buf[start + 2] === 0x79) {
        if (buf[start + 3] === 0x3d) {
          this.dumpLines++;
          onLine?.(buf, start, lf > start && buf[lf - 1] === 0x0d ? lf - 1 : lf);
          continue;
        }
      }
      const end = lf > start && buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const text = buf.toString("latin1", start, end);
      this.consume(pos);
      const lines = this.dumpLines;
      this.dumpLines = 0;
      if (text === "END") return { kind: "dump", lines };
      const error = errorReply(text, true);
      if (error) return error;
      throw new ProtocolError(`unexpected metadump line "${text}"`);
    }
    this.consume(pos);
    return undefined;
  }
}

/**
 * Receives one metadump entry line (`key=... exp=...`, without its line end) as
 * `line[start, end)`; the bytes are valid only during the call.
 */
export type DumpLineHandler = (line: Uint8Array, start: number, end: number) => void;

/** An error line as an ErrorReply, else undefined. */
function errorReply(text: string, crawler: boolean): ErrorReply | undefined {
  const space = text.indexOf(" ");
  const head = space < 0 ? text : text.slice(0, space);
  const message = space < 0 ? "" : text.slice(space + 1);
  if (head === "ERROR" || head === "CLIENT_ERROR" || head === "SERVER_ERROR") {
    return { kind: "error", type: head, message, line: text };
  }
  if (crawler && CRAWLER_STATUSES.has(head)) {
    return { kind: "error", type: head as ErrorReply["type"], message, line: text };
  }
  return undefined;
}
