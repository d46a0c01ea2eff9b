import type { ValueType } from "@cachify/core";

/**
 * Reads the value of a string key out of a DUMP payload, for the rollback dialog's side-by-side
 * view. DUMP is an RDB object: a type byte, the object, 2 bytes of RDB version and 8 of CRC64.
 * Only the string type (0) is decoded: plain, integer-encoded and LZF-compressed. Anything else
 * returns undefined (the dialog then shows type and size only).
 */
export function decodeDumpString(payload: Uint8Array): Uint8Array | undefined {
  if (payload.length < 11 || payload[0] !== 0) return undefined;
  const body = payload.subarray(1, payload.length - 10);
  try {
    const r = readString(body, 0);
    return r?.value;
  } catch {
    return undefined;
  }
}

/**
 * The value type a DUMP payload holds, from its first byte (the RDB object type: one per
 * encoding, e.g. 16 is a hash in a listpack). Module values and unknown encodings: "unknown".
 */
export function dumpValueType(payload: Uint8Array): ValueType {
  return RDB_TYPES[payload[0]!] ?? "unknown";
}

const RDB_TYPES: Record<number, ValueType> = {
  0: "string",
  1: "list",
  10: "list",
  14: "list",
  18: "list",
  2: "set",
  11: "set",
  20: "set",
  3: "zset",
  5: "zset",
  12: "zset",
  17: "zset",
  4: "hash",
  9: "hash",
  13: "hash",
  16: "hash",
  22: "hash",
  23: "hash",
  24: "hash",
  25: "hash",
  15: "stream",
  19: "stream",
  21: "stream",
};

/** The RDB version stamped in a DUMP payload (the two bytes before the checksum). */
export function dumpRdbVersion(payload: Uint8Array): number | undefined {
  if (payload.length < 10) return undefined;
  const i = payload.length - 10;
  return payload[i]! | (payload[i + 1]! << 8);
}

interface Len {
  len: number;
  special?: number;
  next: number;
}

function readLength(b: Uint8Array, at: number): Len {
  const first = b[at]!;
  const kind = first >> 6;
  if (kind === 0) return { len: first & 0x3f, next: at + 1 };
  if (kind === 1) return { len: ((first & 0x3f) << 8) | b[at + 1]!, next: at + 2 };
  if (kind === 3) return { len: 0, special: first & 0x3f, next: at + 1 };
  if (first === 0x80) {
    return {
      len: ((b[at + 1]! << 24) | (b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!) >>> 0,
      next: at + 5,
    };
  }
  if (first === 0x81) {
    let n = 0;
    for (let i = 1; i <= 8; i++) n = n * 256 + b[at + i]!;
    return { len: n, next: at + 9 };
  }
  throw new Error("unknown length encoding");
}

function readString(b: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  const l = readLength(b, at);
  if (l.special === undefined)
    return { value: b.subarray(l.next, l.next + l.len), next: l.next + l.len };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const text = (n: number | bigint) => new TextEncoder().encode(String(n));
  switch (l.special) {
    case 0:
      return { value: text(view.getInt8(l.next)), next: l.next + 1 };
    case 1:
      return { value: text(view.getInt16(l.next, true)), next: l.next + 2 };
    case 2:
      return { value: text(view.getInt32(l.next, true)), next: l.next + 4 };
    case 3: {
      const clen = readLength(b, l.next);
      const ulen = readLength(b, clen.next);
      const data = b.subarray(ulen.next, ulen.next + clen.len);
      return { value: lzfDecompress(data, ulen.len), next: ulen.next + clen.len };
    }
    default:
      return undefined;
  }
}

/** LZF as Redis uses it for long strings in RDB. */
function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      for (let i = 0; i <= ctrl; i++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >> 5;
      if (len === 7) len += input[ip++]!;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
      for (let i = 0; i < len + 2; i++) out[op++] = out[ref++]!;
    }
  }
  return out;
}
