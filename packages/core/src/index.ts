export * from "./common/index.ts";
export * from "./gate/index.ts";
export * from "./guardrails/index.ts";
export * from "./history/index.ts";
export * from "./operations/index.ts";
export * from "./policy/index.ts";
export * from "./ports/index.ts";
export * from "./profiles/index.ts";
