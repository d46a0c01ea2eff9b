export * from "./digest.ts";
export * from "./snapshot.ts";
export * from "./stage.ts";
