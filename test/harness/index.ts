export * from "./binaries.ts";
export * from "./cluster.ts";
export type { SharedServers } from "./global-setup.ts";
export * from "./memcached.ts";
export * from "./ports.ts";
export * from "./redis.ts";
export * from "./resp.ts";
