export * from "./read-only.ts";
