export { DASHBOARD_METRICS, ObservabilityService } from "./app/observability/index.ts";
export { RollbackService } from "./app/rollback-service.ts";
export type { CliIo } from "./cli/io.ts";
export { createProgram, runCli } from "./cli/program.ts";
export { type App, openApp } from "./composition/open-app.ts";
export { type RunningStudio, type StudioOptions, startStudio } from "./server/start-studio.ts";
export { VERSION } from "./version.ts";
