import { ByteWriter } from "../byte-writer.ts";
import { maskedCrc32c } from "../checksums.ts";
import { corruptError } from "../errors.ts";
import type { DecodeLimits, Layer } from "../layer.ts";
import { BoundedOutput, checkInput } from "../limits-check.ts";
import { readSnappyLength, snappyDecodeBlock, snappyEncodeBlock } from "./snappy-block.ts";

/**
 * Snappy in its two shapes: the raw block most cache clients write (python-snappy's `compress`,
 * PHP and Java clients), and the framing format (`ff 06 00 00 sNaPpY`, python-snappy's
 * `stream_compress`) that cuts a stream into checksummed chunks of at most 64 KiB.
 */

export const SNAPPY_STREAM_ID = Uint8Array.of(0xff, 6, 0, 0, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59);
const CHUNK = 65536;

export const snappyRawLayer: Layer = {
  name: "snappy",
  reversible: true,
  decode(bytes: Uint8Array, limits: DecodeLimits): Uint8Array {
    checkInput("snappy", bytes, limits);
    return snappyDecodeBlock(bytes, limits.maxOutputBytes);
  },
  encode: snappyEncodeBlock,
};

function decodeFramed(src: Uint8Array, limits: DecodeLimits): Uint8Array {
  const name = "snappy-framed";
  checkInput(name, src, limits);
  const out = new BoundedOutput(name, limits.maxOutputBytes);
  let ip = 0;
  let sawId = false;
  while (ip < src.length) {
    if (ip + 4 > src.length) throw corruptError(name, "truncated chunk header");
    const type = src[ip]!;
    const len = src[ip + 1]! | (src[ip + 2]! << 8) | (src[ip + 3]! << 16);
    ip += 4;
    if (ip + len > src.length) throw corruptError(name, "chunk runs past the end");
    const body = src.subarray(ip, ip + len);
    ip += len;
    if (type === 0xff) {
      if (len !== 6 || String.fromCharCode(...body) !== "sNaPpY")
        throw corruptError(name, "bad stream identifier");
      sawId = true;
      continue;
    }
    if (!sawId) throw corruptError(name, "no stream identifier first");
    if (type === 0x00 || type === 0x01) {
      if (len < 4) throw corruptError(name, "chunk too short for its checksum");
      const crc = (body[0]! | (body[1]! << 8) | (body[2]! << 16) | (body[3]! << 24)) >>> 0;
      let data = body.subarray(4);
      if (type === 0x00) {
        // The block's own preamble says its size: refuse before decoding if it cannot fit.
        const [size] = readSnappyLength(data);
        if (size > CHUNK) throw corruptError(name, "chunk over 64 KiB");
        out.reserve(out.length + size);
        data = snappyDecodeBlock(data, CHUNK, name);
      }
      if (data.length > CHUNK) throw corruptError(name, "chunk over 64 KiB");
      if (maskedCrc32c(data) !== crc) throw corruptError(name, "checksum mismatch");
      out.push(data);
    } else if (type >= 0x02 && type <= 0x7f) {
      throw corruptError(name, `reserved unskippable chunk type ${type}`);
    }
    // 0x80-0xfe: padding and skippable chunks carry nothing for us.
  }
  // python-snappy writes nothing at all for an empty input; anything else must start with the id.
  if (!sawId && src.length > 0) throw corruptError(name, "no stream identifier");
  return out.result();
}

function encodeFramed(src: Uint8Array): Uint8Array {
  const out = new ByteWriter(
    SNAPPY_STREAM_ID.length +
      src.length +
      Math.ceil(src.length / 6) +
      40 * Math.ceil(src.length / CHUNK + 1),
  );
  out.copy(SNAPPY_STREAM_ID, 0, SNAPPY_STREAM_ID.length);
  for (let at = 0; at < src.length; at += CHUNK) {
    const data = src.subarray(at, Math.min(src.length, at + CHUNK));
    const packed = snappyEncodeBlock(data);
    // Keep a chunk uncompressed when compressing does not pay, as the reference encoder does.
    const useRaw = packed.length >= data.length - (data.length >>> 3);
    const body = useRaw ? data : packed;
    const len = body.length + 4;
    out.push(useRaw ? 0x01 : 0x00, len & 0xff, (len >>> 8) & 0xff, len >>> 16);
    out.u32le(maskedCrc32c(data));
    out.copy(body, 0, body.length);
  }
  return out.bytes();
}

export const snappyFramedLayer: Layer = {
  name: "snappy-framed",
  reversible: true,
  decode: decodeFramed,
  encode: encodeFramed,
};
