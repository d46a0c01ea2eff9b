import { malformed } from "./limits.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const LOSSY = new TextDecoder("utf-8");

/**
 * A cursor over the input that reports running out with the format and offset, so every
 * decoder gets the same "truncated at byte N" message without checking lengths itself.
 */
export class Reader {
  pos = 0;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly format: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(problem: string, at = this.pos): never {
    throw malformed(this.format, at, problem);
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length)
      this.fail(`input ends early (needed ${n} more bytes, ${this.remaining} left)`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  peek(): number | undefined {
    return this.bytes[this.pos];
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads through the next `byte`, returning what came before it (text formats' terminators). */
  until(byte: number): Uint8Array {
    const end = this.bytes.indexOf(byte, this.pos);
    if (end < 0)
      this.fail(`input ends before the expected ${JSON.stringify(String.fromCharCode(byte))}`);
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  expect(byte: number): void {
    const at = this.pos;
    if (this.u8() !== byte) this.fail(`expected ${JSON.stringify(String.fromCharCode(byte))}`, at);
  }
}

/** Decodes UTF-8 strictly; undefined when the bytes are not valid UTF-8. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A string node for bytes that are usually text: keeps the raw bytes when they are not UTF-8. */
export function stringFromBytes(bytes: Uint8Array) {
  const value = utf8OrUndefined(bytes);
  return value === undefined
    ? { kind: "string" as const, value: LOSSY.decode(bytes), raw: bytes.slice() }
    : { kind: "string" as const, value };
}

/** Bytes as Latin-1 text, in chunks: spreading a huge array into one call overflows the stack. */
export function ascii(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192)
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Appends without spreading, for the same reason: a hostile input can make `items` huge. */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export const encodeUtf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Concatenates chunks produced by an encoder. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
