import type { Capabilities } from "@cachify/core";

export function memcachedCapabilities(): Capabilities {
  return {
    engine: "memcached",
    scan: false,
    types: ["string"],
    ttlRead: true,
    ttlWrite: true,
    // Snapshots work (value, flags and TTL are all an item holds); there is no DUMP command.
    dumpRestore: true,
    keyListing: "best-effort",
    stats: true,
    cluster: false,
    rename: false,
    console: false,
    engineEvents: false,
    acl: false,
    reasons: {
      rename: "Memcached has no RENAME: set the value under the new key, then delete the old key.",
      console:
        "The console runs Redis commands; Memcached profiles use the key browser and the CLI.",
      engineEvents: "Memcached keeps no slow log, latency monitor or keyspace notifications.",
      scan:
        "Memcached has no SCAN command: keys are listed with lru_crawler metadump instead, " +
        "one whole server at a time.",
      types: "Memcached stores only byte strings (with 32-bit client flags).",
      dumpRestore:
        "Memcached has no DUMP/RESTORE: snapshots keep the value, its client flags and its TTL (mg v f t), which is everything an item holds.",
      keyListing:
        "Keys are listed with lru_crawler metadump, which walks the cache while it changes: not a " +
        "point-in-time snapshot. Servers started with -X refuse it.",
    },
  };
}
