import type { CacheProvider, ConnectionProfile } from "@cachify/core";
import { createMemcachedProvider } from "@cachify/memcached";
import { createRedisProvider } from "@cachify/redis";

/** The only place that maps an engine to its adapter. */
export function createProvider(profile: ConnectionProfile): CacheProvider {
  return profile.engine === "memcached"
    ? createMemcachedProvider(profile)
    : createRedisProvider(profile);
}
