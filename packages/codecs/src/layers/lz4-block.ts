import { ByteWriter } from "../byte-writer.ts";
import { corruptError, outputCapError } from "../errors.ts";

/**
 * LZ4's block format (sequences of literals and back-references). Blocks of a frame may refer
 * back into earlier blocks, so decoding appends to one history buffer; that buffer grows by
 * doubling but never past the cap, so hostile input cannot make it allocate more.
 */
export class History {
  buf: Uint8Array;
  len = 0;

  constructor(
    private readonly layer: string,
    private readonly cap: number,
    initial = 64 * 1024,
  ) {
    this.buf = new Uint8Array(Math.min(cap, initial));
  }

  ensure(more: number): void {
    const need = this.len + more;
    if (need > this.cap) throw outputCapError(this.layer, this.cap);
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 1024);
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.cap));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Decodes src[from, to) onto the history; matches may reach into earlier output. */
export function lz4DecodeBlock(
  src: Uint8Array,
  from: number,
  to: number,
  out: History,
  layer: string,
): void {
  let ip = from;
  const bad = (why: string) => corruptError(layer, why);
  while (ip < to) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= to) throw bad("truncated literal length");
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > to) throw bad("literals run past the block");
    out.append(src.subarray(ip, ip + lit));
    ip += lit;
    if (ip === to) return; // the last sequence has literals only
    if (ip + 2 > to) throw bad("truncated offset");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > out.len) throw bad("match reaches before the start");
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= to) throw bad("truncated match length");
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    out.ensure(len);
    const buf = out.buf;
    let op = out.len;
    // Forward byte copy: an overlapping match repeats what it has just written.
    for (let k = 0; k < len; k++, op++) buf[op] = buf[op - offset]!;
    out.len = op;
  }
}

const HASH_BITS = 16;
const MIN_MATCH = 4;
/** The format's end rules: last match starts 12 bytes before the end, last 5 bytes are literals. */
const MF_LIMIT = 12;
const LAST_LITERALS = 5;

function pushLength(out: ByteWriter, n: number): void {
  for (; n >= 255; n -= 255) out.push(255);
  out.push(n);
}

function sequence(
  out: ByteWriter,
  src: Uint8Array,
  lit0: number,
  lit1: number,
  offset: number,
  mlen: number,
): void {
  const lit = lit1 - lit0;
  const m = mlen - MIN_MATCH;
  out.push((Math.min(lit, 15) << 4) | (mlen === 0 ? 0 : Math.min(m, 15)));
  if (lit >= 15) pushLength(out, lit - 15);
  out.copy(src, lit0, lit1);
  if (mlen === 0) return;
  out.push(offset & 0xff, offset >>> 8);
  if (m >= 15) pushLength(out, m - 15);
}

/** Worst case of one block: every byte a literal plus the length bytes. */
export const lz4Bound = (n: number) => n + Math.floor(n / 255) + 16;

/** A greedy single-pass matcher; each block stands alone (no reference to earlier blocks). */
export function lz4EncodeBlock(src: Uint8Array): Uint8Array {
  const out = new ByteWriter(lz4Bound(src.length));
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const end = src.length;
  let lit = 0;
  let i = 0;
  while (i + MF_LIMIT < end) {
    const word = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
    const h = Math.imul(word, 2654435761) >>> (32 - HASH_BITS);
    const cand = table[h]!;
    table[h] = i;
    if (
      cand >= 0 &&
      i - cand < 65536 &&
      src[cand] === src[i] &&
      src[cand + 1] === src[i + 1] &&
      src[cand + 2] === src[i + 2] &&
      src[cand + 3] === src[i + 3]
    ) {
      let len = MIN_MATCH;
      while (i + len < end - LAST_LITERALS && src[cand + len] === src[i + len]) len++;
      sequence(out, src, lit, i, i - cand, len);
      i += len;
      lit = i;
    } else i++;
  }
  sequence(out, src, lit, end, 0, 0);
  return out.bytes();
}
