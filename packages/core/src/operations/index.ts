export * from "./classify.ts";
export * from "./operation.ts";
export * from "./raw-classify.ts";
