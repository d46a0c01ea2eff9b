import { CachifyError } from "../common/errors.ts";
import type { DecodedNode } from "./node.ts";
import { concat, encodeUtf8 } from "./reader.ts";

/**
 * MessagePack encoding with the smallest form of each value, as msgpack-python and the other
 * reference encoders choose it, so what they wrote comes back byte for byte. Floats keep the
 * width they were read with (float64 unless a float32 was read).
 */
export function encodeMsgpack(node: DecodedNode): Uint8Array {
  const out: Uint8Array[] = [];
  write(node, out);
  return concat(out);
}

function head(type: number, size: number, n: number | bigint, signed = false): Uint8Array {
  const a = new Uint8Array(1 + size);
  const v = new DataView(a.buffer);
  a[0] = type;
  if (size === 1) signed ? v.setInt8(1, Number(n)) : v.setUint8(1, Number(n));
  else if (size === 2) signed ? v.setInt16(1, Number(n)) : v.setUint16(1, Number(n));
  else if (size === 4) signed ? v.setInt32(1, Number(n)) : v.setUint32(1, Number(n));
  else if (size === 8) signed ? v.setBigInt64(1, BigInt(n)) : v.setBigUint64(1, BigInt(n));
  return a;
}

/** A length header: the fix form when `fixBase` allows it, else the 8/16/32-bit forms. */
function lengthHead(
  n: number,
  fixBase: number | undefined,
  fixMax: number,
  t8: number | undefined,
  t16: number,
): Uint8Array {
  if (fixBase !== undefined && n <= fixMax) return Uint8Array.of(fixBase | n);
  if (t8 !== undefined && n <= 0xff) return head(t8, 1, n);
  if (n <= 0xffff) return head(t16, 2, n);
  return head(t16 + 1, 4, n);
}

function writeInt(text: string, out: Uint8Array[]): void {
  const n = BigInt(text);
  if (n >= 0n) {
    if (n <= 0x7fn) out.push(Uint8Array.of(Number(n)));
    else if (n <= 0xffn) out.push(head(0xcc, 1, n));
    else if (n <= 0xffffn) out.push(head(0xcd, 2, n));
    else if (n <= 0xffffffffn) out.push(head(0xce, 4, n));
    else if (n <= 0xffffffffffffffffn) out.push(head(0xcf, 8, n));
    else throw cannot(`the integer ${text} (over 64 bits)`);
  } else if (n >= -32n) out.push(Uint8Array.of(Number(n) & 0xff));
  else if (n >= -0x80n) out.push(head(0xd0, 1, n, true));
  else if (n >= -0x8000n) out.push(head(0xd1, 2, n, true));
  else if (n >= -0x80000000n) out.push(head(0xd2, 4, n, true));
  else if (n >= -0x8000000000000000n) out.push(head(0xd3, 8, n, true));
  else throw cannot(`the integer ${text} (over 64 bits)`);
}

function write(n: DecodedNode, out: Uint8Array[]): void {
  switch (n.kind) {
    case "null":
      out.push(Uint8Array.of(0xc0));
      return;
    case "bool":
      out.push(Uint8Array.of(n.value ? 0xc3 : 0xc2));
      return;
    case "int":
      writeInt(n.value, out);
      return;
    case "float": {
      const a = new Uint8Array(n.bits === 32 ? 5 : 9);
      const v = new DataView(a.buffer);
      a[0] = n.bits === 32 ? 0xca : 0xcb;
      n.bits === 32 ? v.setFloat32(1, n.value) : v.setFloat64(1, n.value);
      out.push(a);
      return;
    }
    case "string": {
      const bytes = n.raw ?? encodeUtf8(n.value);
      out.push(lengthHead(bytes.length, 0xa0, 31, 0xd9, 0xda), bytes);
      return;
    }
    case "bytes":
      out.push(lengthHead(n.value.length, undefined, 0, 0xc4, 0xc5), n.value);
      return;
    case "ext": {
      const fixed = [1, 2, 4, 8, 16].indexOf(n.value.length);
      const type = Uint8Array.of(n.type & 0xff);
      if (fixed >= 0) out.push(Uint8Array.of(0xd4 + fixed), type, n.value);
      else out.push(lengthHead(n.value.length, undefined, 0, 0xc7, 0xc8), type, n.value);
      return;
    }
    case "list":
      out.push(lengthHead(n.items.length, 0x90, 15, undefined, 0xdc));
      for (const item of n.items) write(item, out);
      return;
    case "map":
      out.push(lengthHead(n.entries.length, 0x80, 15, undefined, 0xde));
      for (const e of n.entries) {
        write(e.key, out);
        write(e.value, out);
      }
      return;
    default:
      throw cannot(`a ${n.kind} node`);
  }
}

const cannot = (what: string) =>
  new CachifyError(
    "bad-input",
    `MessagePack: cannot encode ${what}; choose a format that can hold it`,
  );
