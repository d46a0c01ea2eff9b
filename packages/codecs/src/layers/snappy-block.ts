import { ByteWriter } from "../byte-writer.ts";
import { corruptError, outputCapError } from "../errors.ts";

/**
 * Snappy's raw (block) format: a varint of the decoded length, then literals and back-references.
 * The length comes first, so the cap is checked before a single output byte is allocated, and
 * every copy is checked against what has been written so hostile offsets cannot read outside.
 */

const NAME = "snappy";

/** Reads the leading varint; returns [length, bytes used]. */
export function readSnappyLength(src: Uint8Array): [number, number] {
  let value = 0;
  for (let i = 0; i < 5 && i < src.length; i++) {
    const b = src[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (value > 0xffffffff) break;
      return [value, i + 1];
    }
  }
  throw corruptError(NAME, "bad length preamble");
}

export function snappyDecodeBlock(src: Uint8Array, cap: number, layer = NAME): Uint8Array {
  const [length, start] = readSnappyLength(src);
  if (length > cap) throw outputCapError(layer, cap);
  const out = new Uint8Array(length);
  let ip = start;
  let op = 0;
  const bad = (why: string) => corruptError(layer, why);
  while (ip < src.length) {
    const tag = src[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (ip + extra > src.length) throw bad("literal length runs past the end");
        len = 0;
        for (let k = 0; k < extra; k++) len += src[ip + k]! * 2 ** (8 * k);
        ip += extra;
      }
      len += 1;
      if (ip + len > src.length) throw bad("literal runs past the end");
      if (op + len > length) throw bad("more output than the preamble says");
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= src.length) throw bad("truncated copy");
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[ip++]!;
    } else if (kind === 2) {
      if (ip + 2 > src.length) throw bad("truncated copy");
      len = 1 + (tag >>> 2);
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ip + 4 > src.length) throw bad("truncated copy");
      len = 1 + (tag >>> 2);
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16) | (src[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op) throw bad("copy reaches before the start");
    if (op + len > length) throw bad("more output than the preamble says");
    // Byte by byte: a copy may overlap what it is writing (a run).
    for (let k = 0; k < len; k++, op++) out[op] = out[op - offset]!;
  }
  if (op !== length) throw bad(`decoded ${op} bytes where the preamble says ${length}`);
  return out;
}

const HASH_BITS = 14;
const BLOCK = 65536;

function emitLiteral(out: ByteWriter, src: Uint8Array, from: number, to: number): void {
  if (to === from) return;
  const n = to - from - 1;
  if (n < 60) out.push(n << 2);
  else if (n < 0x100) out.push(60 << 2, n);
  else if (n < 0x10000) out.push(61 << 2, n & 0xff, n >>> 8);
  else out.push(62 << 2, n & 0xff, (n >>> 8) & 0xff, n >>> 16);
  out.copy(src, from, to);
}

function emitCopy(out: ByteWriter, offset: number, len: number): void {
  // Two-byte-offset copies carry up to 64 bytes each; longer matches are split.
  while (len > 0) {
    const n = Math.min(len, 64);
    out.push(((n - 1) << 2) | 2, offset & 0xff, offset >>> 8);
    len -= n;
  }
}

/** A plain greedy matcher: correct first, reasonably small second. Works in 64 KiB blocks. */
export function snappyEncodeBlock(src: Uint8Array): Uint8Array {
  // Worst case from the format's own bound: 32 + n + n/6.
  const out = new ByteWriter(32 + src.length + Math.ceil(src.length / 6));
  let n = src.length;
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  const table = new Int32Array(1 << HASH_BITS);
  for (let base = 0; base < src.length; base += BLOCK) {
    const end = Math.min(src.length, base + BLOCK);
    table.fill(-1);
    let lit = base;
    let i = base;
    while (i + 4 <= end) {
      const word = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
      const h = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
      const cand = table[h]!;
      table[h] = i;
      if (
        cand >= base &&
        src[cand] === src[i] &&
        src[cand + 1] === src[i + 1] &&
        src[cand + 2] === src[i + 2] &&
        src[cand + 3] === src[i + 3]
      ) {
        let len = 4;
        while (i + len < end && src[cand + len] === src[i + len]) len++;
        emitLiteral(out, src, lit, i);
        emitCopy(out, i - cand, len);
        i += len;
        lit = i;
      } else i++;
    }
    emitLiteral(out, src, lit, end);
  }
  return out.bytes();
}
