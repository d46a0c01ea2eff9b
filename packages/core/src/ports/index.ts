export * from "./cache-provider.ts";
export * from "./stores.ts";
