export * from "./errors.ts";
export * from "./glob.ts";
export * from "./ids.ts";
export * from "./keys.ts";
