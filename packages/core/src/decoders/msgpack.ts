import type { DecodeResult } from "./format.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { Reader, stringFromBytes } from "./reader.ts";

/**
 * MessagePack (the spec at msgpack.org): one value from the start of the input. Lengths in the
 * headers are checked against what is left before anything is allocated, so a header claiming
 * 4 G entries fails at once instead of filling memory.
 */
const FORMAT = "MessagePack";

export function decodeMsgpack(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const budget = new Budget(FORMAT, limits);
  budget.checkInput(bytes.length);
  const r = new Reader(bytes, FORMAT);
  const node = value(r, budget);
  return { node, consumed: r.pos };
}

function value(r: Reader, b: Budget): DecodedNode {
  const at = r.pos;
  const t = r.u8();
  b.node();
  if (t <= 0x7f) return { kind: "int", value: String(t) };
  if (t >= 0xe0) return { kind: "int", value: String(t - 0x100) };
  if (t >= 0x80 && t <= 0x8f) return map(r, b, t & 0x0f);
  if (t >= 0x90 && t <= 0x9f) return list(r, b, t & 0x0f);
  if (t >= 0xa0 && t <= 0xbf) return str(r, b, t & 0x1f);
  const v = r.view;
  switch (t) {
    case 0xc0:
      return { kind: "null" };
    case 0xc2:
      return { kind: "bool", value: false };
    case 0xc3:
      return { kind: "bool", value: true };
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return bin(r, b, len(r, t - 0xc4));
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const n = len(r, t - 0xc7);
      return ext(r, b, n);
    }
    case 0xca:
      r.need(4);
      r.pos += 4;
      return { kind: "float", value: v.getFloat32(r.pos - 4), bits: 32 };
    case 0xcb:
      r.need(8);
      r.pos += 8;
      return { kind: "float", value: v.getFloat64(r.pos - 8), bits: 64 };
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      return { kind: "int", value: String(uint(r, 1 << (t - 0xcc))) };
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return { kind: "int", value: String(sint(r, 1 << (t - 0xd0))) };
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return ext(r, b, 1 << (t - 0xd4));
    case 0xd9:
    case 0xda:
    case 0xdb:
      return str(r, b, len(r, t - 0xd9));
    case 0xdc:
    case 0xdd:
      return list(r, b, len(r, t - 0xdb));
    case 0xde:
    case 0xdf:
      return map(r, b, len(r, t - 0xdd));
    default:
      return r.fail(`type byte 0x${t.toString(16)} is never used`, at);
  }
}

/** Reads an 8/16/32-bit big-endian length (width index 0, 1, 2). */
function len(r: Reader, width: number): number {
  return Number(uint(r, 1 << width));
}

function uint(r: Reader, size: number): bigint | number {
  r.need(size);
  const v = r.view;
  const p = r.pos;
  r.pos += size;
  if (size === 1) return v.getUint8(p);
  if (size === 2) return v.getUint16(p);
  if (size === 4) return v.getUint32(p);
  return v.getBigUint64(p);
}

function sint(r: Reader, size: number): bigint | number {
  r.need(size);
  const v = r.view;
  const p = r.pos;
  r.pos += size;
  if (size === 1) return v.getInt8(p);
  if (size === 2) return v.getInt16(p);
  if (size === 4) return v.getInt32(p);
  return v.getBigInt64(p);
}

function str(r: Reader, b: Budget, n: number): DecodedNode {
  b.announce(n, r.remaining, r.pos);
  b.node(n);
  return stringFromBytes(r.take(n));
}

function bin(r: Reader, b: Budget, n: number): DecodedNode {
  b.announce(n, r.remaining, r.pos);
  b.node(n);
  return { kind: "bytes", value: r.take(n).slice() };
}

function ext(r: Reader, b: Budget, n: number): DecodedNode {
  const byte = r.u8();
  const type = byte > 127 ? byte - 256 : byte;
  b.announce(n, r.remaining, r.pos);
  b.node(n);
  return { kind: "ext", type, value: r.take(n).slice() };
}

function list(r: Reader, b: Budget, n: number): DecodedNode {
  // Every element takes at least one byte: a count above what is left is a lie.
  b.announce(n, r.remaining, r.pos);
  b.enter();
  const items: DecodedNode[] = [];
  for (let i = 0; i < n; i++) items.push(value(r, b));
  b.leave();
  return { kind: "list", items };
}

function map(r: Reader, b: Budget, n: number): DecodedNode {
  b.announce(n * 2, r.remaining, r.pos);
  b.enter();
  const entries: MapEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ key: value(r, b), value: value(r, b) });
  b.leave();
  return { kind: "map", entries };
}
