export * from "./event.ts";
export * from "./redaction.ts";
