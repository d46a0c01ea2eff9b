/** An output buffer for the encoders, sized up front from the format's worst case. */
export class ByteWriter {
  readonly buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  push(...bytes: number[]): void {
    for (const b of bytes) this.buf[this.pos++] = b;
  }

  copy(src: Uint8Array, from: number, to: number): void {
    this.buf.set(src.subarray(from, to), this.pos);
    this.pos += to - from;
  }

  u32le(v: number): void {
    this.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/**
 * A copy that owns its own memory. `slice()` is not enough: on a Node Buffer it returns a view of
 * the same memory (often Node's shared pool), which must never be moved to a worker or kept.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}
