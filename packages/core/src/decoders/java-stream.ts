import type { Budget } from "./limits.ts";
import type { DecodedNode } from "./node.ts";
import type { Reader } from "./reader.ts";

/**
 * The pieces of Java's serialization stream (the "Object Serialization Stream Protocol" of the
 * Java SE specification) that java.ts builds on: the type codes, class descriptors, and the
 * "modified UTF-8" Java writes strings in.
 */
export const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  RESET: 0x79,
  BLOCKDATALONG: 0x7a,
  EXCEPTION: 0x7b,
  LONGSTRING: 0x7c,
  PROXYCLASSDESC: 0x7d,
  ENUM: 0x7e,
} as const;

export const SC = {
  WRITE_METHOD: 0x01,
  SERIALIZABLE: 0x02,
  EXTERNALIZABLE: 0x04,
  BLOCK_DATA: 0x08,
};

/** The first handle a stream assigns; references name handles from here. */
export const BASE_HANDLE = 0x7e0000;

export interface FieldDesc {
  type: string;
  name: string;
  className?: string;
}

export interface ClassDesc {
  name: string;
  flags: number;
  fields: FieldDesc[];
  superClass: ClassDesc | undefined;
}

/**
 * Java's modified UTF-8: like UTF-8 but NUL is two bytes and characters beyond the BMP are two
 * three-byte surrogates, so it decodes to UTF-16 code units one by one.
 */
export function modifiedUtf8(r: Reader, n: number): string {
  const bytes = r.take(n);
  const units: number[] = [];
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const a = bytes[i]!;
    if (a < 0x80) {
      units.push(a);
      i++;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length) {
      units.push(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length) {
      units.push(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else r.fail("invalid modified UTF-8 in a string", r.pos - n + i);
    if (units.length >= 4096) out += String.fromCharCode(...units.splice(0));
  }
  return out + String.fromCharCode(...units);
}

export function utf(r: Reader, b: Budget): string {
  r.need(2);
  const n = r.view.getUint16(r.pos);
  r.pos += 2;
  b.node(n);
  return modifiedUtf8(r, n);
}

/** A primitive field value, by its type code. */
export function primitive(r: Reader, type: string): DecodedNode {
  const v = r.view;
  const size = { B: 1, Z: 1, C: 2, S: 2, I: 4, F: 4, J: 8, D: 8 }[type];
  if (size === undefined) return r.fail(`unknown field type "${type}"`);
  r.need(size);
  const p = r.pos;
  r.pos += size;
  switch (type) {
    case "B":
      return { kind: "int", value: String(v.getInt8(p)) };
    case "Z":
      return { kind: "bool", value: v.getUint8(p) !== 0 };
    case "C":
      return { kind: "string", value: String.fromCharCode(v.getUint16(p)) };
    case "S":
      return { kind: "int", value: String(v.getInt16(p)) };
    case "I":
      return { kind: "int", value: String(v.getInt32(p)) };
    case "F":
      return { kind: "float", value: v.getFloat32(p), bits: 32 };
    case "J":
      return { kind: "int", value: String(v.getBigInt64(p)) };
    default:
      return { kind: "float", value: v.getFloat64(p) };
  }
}

/** The class hierarchy from the top-most serializable superclass down, the order data is written. */
export function hierarchy(desc: ClassDesc): ClassDesc[] {
  const out: ClassDesc[] = [];
  for (let d: ClassDesc | undefined = desc; d; d = d.superClass) out.unshift(d);
  return out;
}
