export * from "./cache-provider.ts";
export * from "./observability.ts";
export * from "./snapshot-housekeeping.ts";
export * from "./stores.ts";
