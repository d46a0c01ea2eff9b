import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
  type ZlibOptions,
} from "node:zlib";
import { corruptError, outputCapError } from "../errors.ts";
import type { DecodeLimits, Layer } from "../layer.ts";
import { checkInput } from "../limits-check.ts";

/**
 * gzip, zlib, raw deflate and brotli through Node's own zlib. `maxOutputLength` makes zlib stop
 * once its output would pass the cap (it raises ERR_BUFFER_TOO_LARGE instead of growing), so a
 * bomb costs at most the cap in memory, never the size it claims to expand to.
 */
type Sync = (buf: Uint8Array, opts?: ZlibOptions) => Buffer;

function zlibLayer(name: string, decode: Sync, encode: Sync): Layer {
  return {
    name,
    reversible: true,
    decode(bytes: Uint8Array, limits: DecodeLimits): Uint8Array {
      checkInput(name, bytes, limits);
      try {
        // maxOutputLength must be at least 1; an empty cap still lets zlib refuse any output.
        const out = decode(bytes, { maxOutputLength: Math.max(1, limits.maxOutputBytes) });
        if (out.length > limits.maxOutputBytes) throw outputCapError(name, limits.maxOutputBytes);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
          throw outputCapError(name, limits.maxOutputBytes);
        if ((e as { name?: string }).name === "CachifyError") throw e;
        throw corruptError(name, (e as Error).message, e);
      }
    },
    encode(bytes: Uint8Array): Uint8Array {
      const out = encode(bytes);
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
  };
}

export const gzipLayer = zlibLayer("gzip", gunzipSync, gzipSync);
export const zlibDeflateLayer = zlibLayer("zlib", inflateSync, deflateSync);
export const rawDeflateLayer = zlibLayer("deflate", inflateRawSync, deflateRawSync);
export const brotliLayer = zlibLayer(
  "brotli",
  brotliDecompressSync as Sync,
  brotliCompressSync as Sync,
);
