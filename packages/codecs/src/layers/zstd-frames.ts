import { corruptError } from "../errors.ts";

/**
 * Walks a zstd input frame by frame without decoding anything: the frame header says how much
 * memory its decoder will want (window size, declared content size) and the block headers say
 * where the frame ends. The layer checks those figures against the cap before any decoder runs,
 * because a decoder sizes its window from the header alone.
 */

export const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;

export interface ZstdFrame {
  /** Where the frame starts and ends in the input. */
  start: number;
  end: number;
  /** The decoded size the header declares, if it declares one. */
  contentSize: number | undefined;
  /** The history the decoder must keep: it allocates this much up front. */
  windowSize: number;
  dictionaryId: number;
}

const NAME = "zstd";
const readLE = (b: Uint8Array, at: number, n: number) => {
  let v = 0;
  for (let k = 0; k < n; k++) v += b[at + k]! * 2 ** (8 * k);
  return v;
};

export function zstdFrames(src: Uint8Array): ZstdFrame[] {
  const frames: ZstdFrame[] = [];
  let ip = 0;
  const bad = (why: string) => corruptError(NAME, why);
  if (src.length === 0) throw bad("empty input");
  while (ip < src.length) {
    if (ip + 4 > src.length) throw bad("truncated magic number");
    const magic = readLE(src, ip, 4);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (ip + 8 > src.length) throw bad("truncated skippable frame");
      ip += 8 + readLE(src, ip + 4, 4);
      if (ip > src.length) throw bad("skippable frame runs past the end");
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw bad("not a zstd frame (magic number)");
    const start = ip;
    if (ip + 5 > src.length) throw bad("truncated frame header");
    const fhd = src[ip + 4]!;
    if (fhd & 0x08) throw bad("reserved header bit set");
    const singleSegment = (fhd >>> 5) & 1;
    const hasChecksum = (fhd >>> 2) & 1;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsFlag = fhd >>> 6;
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    let p = ip + 5;
    let windowSize = 0;
    if (!singleSegment) {
      if (p >= src.length) throw bad("truncated window descriptor");
      const wd = src[p++]!;
      const base = 2 ** (10 + (wd >>> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    if (p + dictBytes + fcsBytes > src.length) throw bad("truncated frame header");
    const dictionaryId = readLE(src, p, dictBytes);
    p += dictBytes;
    let contentSize: number | undefined;
    if (fcsBytes > 0) contentSize = readLE(src, p, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    p += fcsBytes;
    if (singleSegment) windowSize = contentSize ?? 0;
    // Blocks: a 3-byte header each (last flag, type, size); an RLE block stores one byte.
    for (;;) {
      if (p + 3 > src.length) throw bad("truncated block header");
      const header = readLE(src, p, 3);
      p += 3;
      const type = (header >>> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw bad("reserved block type");
      p += type === 1 ? 1 : size;
      if (p > src.length) throw bad("block runs past the end");
      if (header & 1) break;
    }
    if (hasChecksum) p += 4;
    if (p > src.length) throw bad("truncated checksum");
    frames.push({ start, end: p, contentSize, windowSize, dictionaryId });
    ip = p;
  }
  return frames;
}
