import type { Layer as CoreLayer } from "@cachify/core";
import { hasSignature } from "../detect.ts";
import type { Layer } from "../layer.ts";
import { lz4BlockLayer, lz4FrameLayer } from "./lz4.ts";
import { brotliLayer, gzipLayer, rawDeflateLayer, zlibDeflateLayer } from "./node-zlib.ts";
import { snappyFramedLayer, snappyRawLayer } from "./snappy.ts";
import { prepareZstd, zstdLayer } from "./zstd.ts";

/** Gives a layer its magic-number check, for the formats that have one (detect.ts). */
const SIGNED = new Set(["gzip", "zlib", "zstd", "lz4", "snappy-framed"]);
const withDetect = (layer: Layer): Layer =>
  SIGNED.has(layer.name) ? { ...layer, detect: (b) => hasSignature(layer.name, b) } : layer;

/** Every compression layer this package provides, in the order a "view as" menu lists them. */
export const compressionLayers: readonly Layer[] = [
  gzipLayer,
  zlibDeflateLayer,
  rawDeflateLayer,
  brotliLayer,
  zstdLayer,
  lz4FrameLayer,
  lz4BlockLayer,
  snappyRawLayer,
  snappyFramedLayer,
].map(withDetect);

/**
 * The layers as the core's decoder registry takes them (`new DecoderRegistry(coreLayers())`).
 * They decode synchronously on the calling thread: the studio runs such a chain in a worker,
 * or uses `decodeLayer`, which always does. zstd's `encode` needs `prepareLayers()` awaited once.
 */
export function coreLayers(): CoreLayer[] {
  return [...compressionLayers];
}

export function compressionLayer(name: string): Layer | undefined {
  return compressionLayers.find((l) => l.name === name);
}

/** What must be loaded before every `encode` can run synchronously (zstd's WebAssembly). */
export async function prepareLayers(): Promise<void> {
  await prepareZstd();
}
