import { ByteWriter } from "../byte-writer.ts";
import { xxh32 } from "../checksums.ts";
import { corruptError, outputCapError } from "../errors.ts";
import type { DecodeLimits, Layer } from "../layer.ts";
import { checkInput } from "../limits-check.ts";
import { History, lz4Bound, lz4DecodeBlock, lz4EncodeBlock } from "./lz4-block.ts";

/**
 * LZ4 in the frame format the `lz4` tool and most libraries write (magic 04 22 4d 18), and the
 * size-prefixed block that python-lz4's `lz4.block.compress` writes by default (a 4-byte
 * little-endian decoded size, then one block), which cache clients store as it is.
 */

export const LZ4_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const BLOCK_SIZES: Record<number, number> = { 4: 65536, 5: 262144, 6: 1 << 20, 7: 4 << 20 };
const ENCODE_BLOCK = 4;

const u32 = (b: Uint8Array, i: number) =>
  (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

function decodeFrames(src: Uint8Array, limits: DecodeLimits): Uint8Array {
  const name = "lz4";
  checkInput(name, src, limits);
  const out = new History(name, limits.maxOutputBytes);
  const bad = (why: string) => corruptError(name, why);
  let ip = 0;
  if (src.length === 0) throw bad("empty input");
  while (ip < src.length) {
    if (ip + 4 > src.length) throw bad("truncated magic number");
    const magic = u32(src, ip);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (ip + 8 > src.length) throw bad("truncated skippable frame");
      ip += 8 + u32(src, ip + 4);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw bad("not an LZ4 frame (magic number)");
    const desc = ip + 4;
    if (desc + 3 > src.length) throw bad("truncated frame descriptor");
    const flg = src[desc]!;
    const bd = src[desc + 1]!;
    if (flg >>> 6 !== 1) throw bad("unsupported frame version");
    const blockChecksum = (flg & 0x10) !== 0;
    const hasSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDict = (flg & 0x01) !== 0;
    const blockMax = BLOCK_SIZES[(bd >>> 4) & 7];
    if (blockMax === undefined) throw bad("bad block maximum size");
    let p = desc + 2;
    if (hasSize) {
      if (p + 8 > src.length) throw bad("truncated content size");
      const size = u32(src, p) + u32(src, p + 4) * 2 ** 32;
      // The frame says how large it will be: refuse a bomb before decoding a block of it.
      if (out.len + size > limits.maxOutputBytes) throw outputCapError(name, limits.maxOutputBytes);
      p += 8;
    }
    if (hasDict) throw bad("frames that need a dictionary are not supported");
    if (p >= src.length) throw bad("truncated header checksum");
    if (src[p] !== ((xxh32(src.subarray(desc, p)) >>> 8) & 0xff))
      throw bad("header checksum mismatch");
    ip = p + 1;
    const frameStart = out.len;
    for (;;) {
      if (ip + 4 > src.length) throw bad("truncated block size");
      const word = u32(src, ip);
      ip += 4;
      if (word === 0) break; // end mark
      const raw = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw bad("block larger than the frame allows");
      if (ip + size + (blockChecksum ? 4 : 0) > src.length) throw bad("block runs past the end");
      if (blockChecksum && xxh32(src.subarray(ip, ip + size)) !== u32(src, ip + size))
        throw bad("block checksum mismatch");
      if (raw) out.append(src.subarray(ip, ip + size));
      else {
        const before = out.len;
        lz4DecodeBlock(src, ip, ip + size, out, name);
        if (out.len - before > blockMax) throw bad("block decodes past its maximum size");
      }
      ip += size + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) {
      if (ip + 4 > src.length) throw bad("truncated content checksum");
      if (xxh32(out.buf.subarray(frameStart, out.len)) !== u32(src, ip))
        throw bad("content checksum mismatch");
      ip += 4;
    }
  }
  return out.result();
}

/** One frame: independent 64 KiB blocks, content size and content checksum written. */
function encodeFrame(src: Uint8Array): Uint8Array {
  const blockMax = BLOCK_SIZES[ENCODE_BLOCK]!;
  const blocks = Math.ceil(src.length / blockMax);
  const out = new ByteWriter(32 + blocks * 4 + lz4Bound(src.length) + blocks * 16);
  out.u32le(LZ4_MAGIC);
  const desc = out.pos;
  out.push(0x40 | 0x20 | 0x08 | 0x04, ENCODE_BLOCK << 4);
  out.u32le(src.length >>> 0);
  out.u32le(Math.floor(src.length / 2 ** 32));
  out.push((xxh32(out.buf.subarray(desc, out.pos)) >>> 8) & 0xff);
  for (let at = 0; at < src.length; at += blockMax) {
    const data = src.subarray(at, Math.min(src.length, at + blockMax));
    const packed = lz4EncodeBlock(data);
    // An incompressible block is stored as it is (high bit set), as the reference encoder does.
    if (packed.length >= data.length) {
      out.u32le((data.length | 0x80000000) >>> 0);
      out.copy(data, 0, data.length);
    } else {
      out.u32le(packed.length);
      out.copy(packed, 0, packed.length);
    }
  }
  out.u32le(0);
  out.u32le(xxh32(src));
  return out.bytes();
}

export const lz4FrameLayer: Layer = {
  name: "lz4",
  reversible: true,
  decode: decodeFrames,
  encode: encodeFrame,
};

function decodeSizedBlock(src: Uint8Array, limits: DecodeLimits): Uint8Array {
  const name = "lz4-block";
  checkInput(name, src, limits);
  if (src.length < 4) throw corruptError(name, "too short for its size prefix");
  const size = u32(src, 0);
  if (size > limits.maxOutputBytes) throw outputCapError(name, limits.maxOutputBytes);
  const out = new History(name, limits.maxOutputBytes, size);
  lz4DecodeBlock(src, 4, src.length, out, name);
  if (out.len !== size)
    throw corruptError(name, `decoded ${out.len} bytes where the prefix says ${size}`);
  return out.result();
}

function encodeSizedBlock(src: Uint8Array): Uint8Array {
  const packed = lz4EncodeBlock(src);
  const out = new ByteWriter(packed.length + 4);
  out.u32le(src.length);
  out.copy(packed, 0, packed.length);
  return out.bytes();
}

export const lz4BlockLayer: Layer = {
  name: "lz4-block",
  reversible: true,
  decode: decodeSizedBlock,
  encode: encodeSizedBlock,
};
