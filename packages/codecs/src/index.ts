/**
 * @cachify/codecs: the compression layers of the decoder chain (issue 17) and the worker pool
 * that runs them off the main thread.
 */
export { closeCodecPool, decodeLayer, encodeLayer } from "./api.ts";
export { detectCompression, hasSignature } from "./detect.ts";
export type { DecodeLimits, Layer } from "./layer.ts";
export { DEFAULT_LIMITS, withDefaults } from "./layer.ts";
export { compressionLayer, compressionLayers, coreLayers, prepareLayers } from "./layers/index.ts";
export type { ChainView } from "./pool/protocol.ts";
export { CodecPool, defaultWorkerUrl, type PoolOptions } from "./pool/worker-pool.ts";
