export * from "./alerts.ts";
export * from "./app-stats.ts";
export * from "./engine-events.ts";
export * from "./engine-reading.ts";
export * from "./health.ts";
export * from "./metrics.ts";
export * from "./rollup.ts";
export * from "./settings.ts";
