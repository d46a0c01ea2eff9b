import { Zstd } from "@hpcc-js/wasm-zstd";
import { Decompress } from "fzstd";
import { corruptError, windowCapError } from "../errors.ts";
import type { DecodeLimits, Layer } from "../layer.ts";
import { BoundedOutput, checkInput } from "../limits-check.ts";
import { zstdFrames } from "./zstd-frames.ts";

/**
 * zstd. Node 20's zlib has none, so two npm packages share the work:
 * - decoding with `fzstd`, pure JavaScript, whose streaming decoder hands over each block
 *   (at most 128 KiB) as it is produced, so the cap is enforced as output grows;
 * - encoding with `@hpcc-js/wasm-zstd`, the reference libzstd compiled to WebAssembly (no native
 *   build, no download at install), which writes what the `zstd` tool writes. Its own decoder
 *   sizes its output from the header or a guess, which is why it is not used to decode.
 * Before fzstd sees a frame, its header is checked: fzstd allocates the frame's window up front.
 */

let encoder: Zstd | undefined;

/** Loads the WebAssembly encoder; `encode` needs it done once (the worker does it at start). */
export async function prepareZstd(): Promise<void> {
  encoder ??= await Zstd.load();
}

function decodeZstd(src: Uint8Array, limits: DecodeLimits): Uint8Array {
  const name = "zstd";
  checkInput(name, src, limits);
  const cap = limits.maxOutputBytes;
  const out = new BoundedOutput(name, cap);
  for (const frame of zstdFrames(src)) {
    if (frame.dictionaryId !== 0) throw corruptError(name, "the frame needs a dictionary");
    if (frame.contentSize !== undefined) out.reserve(out.length + frame.contentSize);
    // A window larger than the cap would make the decoder allocate past it before any output.
    if (frame.windowSize > cap) throw windowCapError(name, frame.windowSize, cap);
    const stream = new Decompress((chunk) => out.push(chunk));
    try {
      stream.push(src.subarray(frame.start, frame.end), true);
    } catch (e) {
      if ((e as { name?: string }).name === "CachifyError") throw e;
      throw corruptError(name, (e as Error).message, e);
    }
  }
  return out.result();
}

function encodeZstd(src: Uint8Array): Uint8Array {
  if (!encoder) throw new Error("zstd: the encoder is not loaded; await prepareZstd() first");
  return encoder.compress(src, 3);
}

export const zstdLayer: Layer = {
  name: "zstd",
  reversible: true,
  decode: decodeZstd,
  encode: encodeZstd,
};
