import { coreLayers } from "@cachify/codecs";
import { DecoderRegistry } from "@cachify/core";

let registry: DecoderRegistry | undefined;

/**
 * The decoder chain with every layer the studio has: the core's formats (JSON, MessagePack, PHP,
 * pickle, Java, protobuf, base64, hex) and the compressions of @cachify/codecs (gzip, zlib,
 * brotli, zstd, LZ4, Snappy), each bounded by the decode limits.
 */
export function decoderRegistry(): DecoderRegistry {
  registry ??= new DecoderRegistry(coreLayers());
  return registry;
}
