export * from "./classify.ts";
export * from "./operation.ts";
