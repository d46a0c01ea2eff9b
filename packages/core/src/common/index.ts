export * from "./errors.ts";
export * from "./ids.ts";
export * from "./keys.ts";
export * from "./glob.ts";
