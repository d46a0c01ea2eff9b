export * from "./digest.ts";
export * from "./settings.ts";
export * from "./snapshot.ts";
export * from "./stage.ts";
