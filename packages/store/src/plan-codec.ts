import type { PlanItem } from "@cachify/core";

/** Items per stored chunk: page N reads only the chunks it spans. */
export const CHUNK_ITEMS = 256;

const HAS_NODE = 1;
const HAS_TTL_MS = 2;
const HAS_TTL_SECONDS = 4;
const HAS_VALUE = 8;
const HAS_EXISTED = 16;
const EXISTED = 32;

// Function declarations, not arrow constants: the hot helpers stay cheap to call when a loader
// wraps named arrows (tsx, esbuild --keep-names).

/** Zig-zag, so -1 and -2 (TTL markers) take one byte. */
function zig(v: number): number {
  return v < 0 ? -2 * v - 1 : 2 * v;
}

function unzig(v: number): number {
  return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 8;
}

/** Writes `v` as a varint at `n`; returns the position after it. */
function putVarint(out: Uint8Array, n: number, v: number): number {
  let x = v;
  while (x >= 0x80) {
    out[n++] = (x % 0x80) | 0x80;
    x = Math.floor(x / 0x80);
  }
  out[n++] = x;
  return n;
}

/** Copies `b` into `out` at `n` (a loop for short keys: cheaper than a native call). */
function putBytes(out: Uint8Array, n: number, b: Uint8Array): number {
  const len = b.length;
  if (len < 32) for (let i = 0; i < len; i++) out[n + i] = b[i]!;
  else out.set(b, n);
  return n + len;
}

/** One pass to size the chunk, one to write it: no growing buffer, no per-field calls. */
export function encodeChunk(items: readonly PlanItem[]): Uint8Array {
  let size = 0;
  for (const it of items) {
    size += 1 + varintSize(it.key.length) + it.key.length;
    if (it.node !== undefined) size += varintSize(it.node);
    if (it.ttlMs !== undefined) size += 8;
    if (it.ttlSeconds !== undefined) size += 8;
    if (it.value !== undefined) size += varintSize(it.value.length) + it.value.length;
  }
  const out = new Uint8Array(size);
  let n = 0;
  for (const it of items) {
    let flags = 0;
    if (it.node !== undefined) flags |= HAS_NODE;
    if (it.ttlMs !== undefined) flags |= HAS_TTL_MS;
    if (it.ttlSeconds !== undefined) flags |= HAS_TTL_SECONDS;
    if (it.value !== undefined) flags |= HAS_VALUE;
    if (it.existed !== undefined) flags |= HAS_EXISTED | (it.existed ? EXISTED : 0);
    out[n++] = flags;
    const key = it.key;
    if (key.length < 0x80) out[n++] = key.length;
    else n = putVarint(out, n, key.length);
    n = putBytes(out, n, key);
    if (it.node !== undefined) n = putVarint(out, n, it.node);
    if (it.ttlMs !== undefined) n = putVarint(out, n, zig(it.ttlMs));
    if (it.ttlSeconds !== undefined) n = putVarint(out, n, zig(it.ttlSeconds));
    if (it.value !== undefined) {
      n = putVarint(out, n, it.value.length);
      n = putBytes(out, n, it.value);
    }
  }
  return n === size ? out : out.subarray(0, n);
}

/** Where the last readVarint stopped (decoding is synchronous: one reader at a time). */
let after = 0;

function readVarint(data: Uint8Array, at: number): number {
  let i = at;
  let b = data[i++]!;
  if (b < 0x80) {
    after = i;
    return b;
  }
  let v = b & 0x7f;
  let mul = 0x80;
  for (;;) {
    b = data[i++]!;
    v += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 0x80;
  }
  after = i;
  return v;
}

/**
 * The items of a chunk. Keys and values are views of `data`, not copies: a chunk read from the
 * store belongs to its items alone.
 */
export function decodeChunk(chunk: Uint8Array): PlanItem[] {
  // A plain Uint8Array over the same memory: its views are cheaper to make than a Buffer's.
  const data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const out: PlanItem[] = [];
  let i = 0;
  while (i < data.length) {
    const flags = data[i++]!;
    const len = readVarint(data, i);
    i = after;
    const item: PlanItem = { key: data.subarray(i, i + len) };
    i += len;
    if (flags & HAS_NODE) {
      item.node = readVarint(data, i);
      i = after;
    }
    if (flags & HAS_TTL_MS) {
      item.ttlMs = unzig(readVarint(data, i));
      i = after;
    }
    if (flags & HAS_TTL_SECONDS) {
      item.ttlSeconds = unzig(readVarint(data, i));
      i = after;
    }
    if (flags & HAS_VALUE) {
      const vlen = readVarint(data, i);
      i = after;
      item.value = data.subarray(i, i + vlen);
      i += vlen;
    }
    if (flags & HAS_EXISTED) item.existed = (flags & EXISTED) !== 0;
    out.push(item);
  }
  return out;
}
