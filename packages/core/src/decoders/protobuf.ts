import { CachifyError } from "../common/errors.ts";
import type { DecodeResult } from "./format.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { Reader, utf8OrUndefined } from "./reader.ts";

/**
 * Protocol Buffers wire format read without a schema: a message is a map from field numbers to
 * values, a repeated field is the same key more than once. Without the .proto the wire types are
 * all we know: varints are unsigned integers, fixed32/fixed64 are shown as unsigned integers (a
 * float or a signed field needs the schema to say so), and a length-delimited field is tried as a
 * nested message, then as text, then kept as bytes.
 */
const FORMAT = "protobuf";
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function decodeProtobuf(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const b = new Budget(FORMAT, limits);
  b.checkInput(bytes.length);
  const r = new Reader(bytes, FORMAT);
  b.node();
  const node = message(r, b, bytes.length, undefined);
  return { node, consumed: r.pos };
}

function varint(r: Reader): bigint {
  const at = r.pos;
  let n = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    const byte = r.u8();
    n |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return n;
  }
  return r.fail("varint longer than 10 bytes", at);
}

function fixed(r: Reader, size: 4 | 8): DecodedNode {
  r.need(size);
  const v = size === 4 ? r.view.getUint32(r.pos, true) : r.view.getBigUint64(r.pos, true);
  r.pos += size;
  return { kind: "int", value: String(v) };
}

/** Reads fields up to `end`, or up to the END_GROUP of `group` (the deprecated group encoding). */
function message(r: Reader, b: Budget, end: number, group: number | undefined): DecodedNode {
  b.enter();
  const entries: MapEntry[] = [];
  while (r.pos < end) {
    const at = r.pos;
    const key = varint(r);
    const field = key >> 3n;
    const wire = Number(key & 7n);
    if (field === 0n || field > 0x1fffffffn) r.fail(`field number ${field} is out of range`, at);
    if (wire === 4) {
      if (group !== Number(field))
        r.fail(`END_GROUP for field ${field} without its START_GROUP`, at);
      b.leave();
      return { kind: "map", entries };
    }
    b.node();
    entries.push({
      key: { kind: "int", value: String(field) },
      value: fieldValue(r, b, wire, Number(field), at),
    });
  }
  if (group !== undefined) r.fail(`group ${group} is not closed`);
  if (r.pos !== end) r.fail("a field runs past the end of its message");
  b.leave();
  return { kind: "map", entries };
}

function fieldValue(r: Reader, b: Budget, wire: number, field: number, at: number): DecodedNode {
  switch (wire) {
    case 0:
      return { kind: "int", value: String(varint(r)) };
    case 1:
      return fixed(r, 8);
    case 5:
      return fixed(r, 4);
    case 3:
      return message(r, b, r.bytes.length, field);
    case 2: {
      const n = Number(varint(r));
      b.announce(n, r.remaining, r.pos);
      return delimited(r, b, n);
    }
    default:
      return r.fail(`wire type ${wire} does not exist`, at);
  }
}

/** Message first, then text, then bytes; a failed guess costs nothing against the limits. */
function delimited(r: Reader, b: Budget, n: number): DecodedNode {
  const start = r.pos;
  const saved = { nodes: b.nodes, bytes: b.bytes, depth: b.depth };
  if (n > 0) {
    try {
      return message(r, b, start + n, undefined);
    } catch (e) {
      if (!(e instanceof CachifyError) || typeof e.details?.limit === "string") throw e;
      Object.assign(b, saved);
      r.pos = start;
    }
  }
  const bytes = r.take(n);
  b.node(n);
  const text = utf8OrUndefined(bytes);
  if (text !== undefined && !CONTROL.test(text)) return { kind: "string", value: text };
  return { kind: "bytes", value: bytes.slice() };
}
