export * from "./client/index.ts";
export { KetamaRing, type KetamaServer } from "./pool/ketama.ts";
export { type PoolServer, ServerPool } from "./pool/server-pool.ts";
export { memcachedCapabilities } from "./provider/capabilities.ts";
export { BEST_EFFORT_NOTE, type MemcachedScanPage } from "./provider/key-listing.ts";
export {
  createMemcachedProvider,
  MemcachedProvider,
  type MemcachedValueRead,
} from "./provider/memcached-provider.ts";
export { RELATIVE_TTL_LIMIT_SECONDS } from "./provider/ttl.ts";
