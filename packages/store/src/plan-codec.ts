import type { PlanItem } from "@cachify/core";

/** Items per stored chunk: page N reads only the chunks it spans. */
export const CHUNK_ITEMS = 256;

const HAS_NODE = 1;
const HAS_TTL_MS = 2;
const HAS_TTL_SECONDS = 4;
const HAS_VALUE = 8;
const HAS_EXISTED = 16;
const EXISTED = 32;

/** Zig-zag, so -1 and -2 (TTL markers) take one byte. */
const zig = (v: number) => (v < 0 ? -2 * v - 1 : 2 * v);
const unzig = (v: number) => (v % 2 === 1 ? -(v + 1) / 2 : v / 2);

const varintSize = (v: number) =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 8;

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
  const varint = (v: number) => {
    let x = v;
    while (x >= 0x80) {
      out[n++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    out[n++] = x;
  };
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
    else varint(key.length);
    out.set(key, n);
    n += key.length;
    if (it.node !== undefined) varint(it.node);
    if (it.ttlMs !== undefined) varint(zig(it.ttlMs));
    if (it.ttlSeconds !== undefined) varint(zig(it.ttlSeconds));
    if (it.value !== undefined) {
      varint(it.value.length);
      out.set(it.value, n);
      n += it.value.length;
    }
  }
  return n === size ? out : out.subarray(0, n);
}

export function decodeChunk(data: Uint8Array): PlanItem[] {
  const out: PlanItem[] = [];
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = data[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  };
  const bytes = () => {
    const len = varint();
    const b = data.slice(i, i + len);
    i += len;
    return b;
  };
  while (i < data.length) {
    const flags = data[i++]!;
    const item: PlanItem = { key: bytes() };
    if (flags & HAS_NODE) item.node = varint();
    if (flags & HAS_TTL_MS) item.ttlMs = unzig(varint());
    if (flags & HAS_TTL_SECONDS) item.ttlSeconds = unzig(varint());
    if (flags & HAS_VALUE) item.value = bytes();
    if (flags & HAS_EXISTED) item.existed = (flags & EXISTED) !== 0;
    out.push(item);
  }
  return out;
}
