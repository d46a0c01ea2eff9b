export * from "./coverage.ts";
export * from "./profile-change.ts";
export * from "./read-only.ts";
