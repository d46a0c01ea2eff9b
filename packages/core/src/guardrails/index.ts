export * from "./challenges.ts";
export * from "./confirmation.ts";
export * from "./fingerprint.ts";
export * from "./levels.ts";
export * from "./refine.ts";
