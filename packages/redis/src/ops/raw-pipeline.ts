import type { Redis } from "ioredis";
import { isReplyError } from "../reply-error.ts";

/**
 * Many commands written to one ioredis connection as a single buffer of RESP built here, their
 * replies read back through ioredis' own reply queue.
 *
 * Why: ioredis spends about 10 µs of CPU on each command of a pipeline (a Command object, its
 * argument conversion and serialization, a promise per command), which capped a million-key
 * warm-up at under 100k keys/s on a 2-core machine; the server needs about 2 µs for a SET EX.
 * Here a batch costs one buffer, and each reply a counter step.
 *
 * How: ioredis matches replies to commands in order through `commandQueue` (one entry per
 * expected reply, shifted by its reply parser). We push one entry per command, all pointing at a
 * single collector, and write the bytes in the same synchronous step, so they take their place
 * in the connection's order like any command ioredis writes itself. Error replies (a ReplyError)
 * count for their command; a connection that fails rejects the batch once (ioredis flushes the
 * queue with the connection error; we never resend).
 *
 * Only on a connection that is ready; `available` says whether this ioredis still looks the way
 * this relies on (callers fall back to ioredis pipelines otherwise).
 */

interface QueueItem {
  command: Collector;
  stream: unknown;
  select: number;
}

interface Internals {
  status: string;
  stream?: { writable?: boolean; write(data: Buffer): boolean };
  commandQueue?: { push(item: QueueItem): unknown; length: number };
  condition?: { select?: number; subscriber?: unknown };
}

export function rawAvailable(node: Redis): boolean {
  const n = node as unknown as Internals;
  return (
    n.status === "ready" &&
    n.stream?.writable === true &&
    typeof n.commandQueue?.push === "function" &&
    !n.condition?.subscriber
  );
}

/** One reply of a raw batch: the parsed reply, or the error the server answered. */
export type RawReply = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * Receives the replies of one raw batch in order. Looks enough like an ioredis Command for the
 * reply parser and the queue flush (name, args, resolve, reject).
 */
class Collector {
  readonly name = "set";
  readonly args: never[] = [];
  private seen = 0;
  private failed = false;

  constructor(
    private readonly expected: number,
    private readonly onReply: (index: number, reply: RawReply) => void,
    private readonly done: () => void,
    private readonly fail: (e: unknown) => void,
  ) {}

  resolve(value: unknown): void {
    if (this.failed) return;
    this.next({ ok: true, value });
  }

  reject(error: unknown): void {
    if (this.failed) return;
    if (isReplyError(error)) {
      this.next({ ok: false, error: error as Error });
      return;
    }
    // The connection failed (closed, reset, destroyed): the rest of the batch has no answer.
    this.failed = true;
    this.fail(error);
  }

  private next(reply: RawReply): void {
    const i = this.seen++;
    try {
      this.onReply(i, reply);
    } catch (e) {
      this.failed = true;
      this.fail(e);
      return;
    }
    if (this.seen === this.expected) this.done();
  }
}

/**
 * Writes `bytes` (exactly `count` commands) on `node` and resolves once all `count` replies are
 * in, each handed to `onReply` in order. Check `rawAvailable(node)` first.
 */
export function sendRaw(
  node: Redis,
  bytes: Buffer,
  count: number,
  onReply: (index: number, reply: RawReply) => void,
): Promise<void> {
  if (count === 0) return Promise.resolve();
  const n = node as unknown as Required<Internals>;
  return new Promise<void>((resolve, reject) => {
    const collector = new Collector(count, onReply, resolve, reject);
    const item: QueueItem = {
      command: collector,
      stream: undefined,
      select: n.condition?.select ?? 0,
    };
    const queue = n.commandQueue;
    for (let i = 0; i < count; i++) queue.push(item);
    n.stream.write(bytes);
  });
}

const CRLF_0 = 0x0d;
const CRLF_1 = 0x0a;

/**
 * Builds RESP commands into one buffer: `array(n)` then n `bulk` / `text` arguments per command.
 * Grows as needed; `finish` returns the bytes written.
 */
export class RespWriter {
  private buf: Buffer;
  private n = 0;

  constructor(sizeHint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, sizeHint));
  }

  private room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes + 256));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  /** A non-negative whole number in decimal. */
  private int(v: number): void {
    const buf = this.buf;
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let at = this.n + digits;
    this.n = at;
    let x = v;
    do {
      buf[--at] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
  }

  /** `*<n>\r\n`: a command of n parts follows. */
  array(parts: number): this {
    this.room(24);
    this.buf[this.n++] = 0x2a;
    this.int(parts);
    this.buf[this.n++] = CRLF_0;
    this.buf[this.n++] = CRLF_1;
    return this;
  }

  /** One argument, byte for byte. */
  bulk(bytes: Uint8Array): this {
    const len = bytes.length;
    this.room(len + 24);
    const buf = this.buf;
    buf[this.n++] = 0x24;
    this.int(len);
    buf[this.n++] = CRLF_0;
    buf[this.n++] = CRLF_1;
    if (len < 32) {
      let at = this.n;
      for (let i = 0; i < len; i++) buf[at++] = bytes[i]!;
    } else buf.set(bytes, this.n);
    this.n += len;
    buf[this.n++] = CRLF_0;
    buf[this.n++] = CRLF_1;
    return this;
  }

  /** One argument given as ASCII text (a command name, a flag, a number), never user data. */
  text(s: string): this {
    const len = s.length;
    this.room(len + 24);
    const buf = this.buf;
    buf[this.n++] = 0x24;
    this.int(len);
    buf[this.n++] = CRLF_0;
    buf[this.n++] = CRLF_1;
    for (let i = 0; i < len; i++) buf[this.n++] = s.charCodeAt(i);
    buf[this.n++] = CRLF_0;
    buf[this.n++] = CRLF_1;
    return this;
  }

  /** One whole command: strings and numbers as text (names, flags, counts), bytes as they are. */
  command(parts: readonly (string | number | Uint8Array)[]): this {
    this.array(parts.length);
    for (const p of parts) {
      if (typeof p === "string") this.text(p);
      else if (typeof p === "number") this.text(String(p));
      else this.bulk(p);
    }
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.n);
  }
}
