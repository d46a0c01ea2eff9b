import type { HistorySource, Severity } from "../history/event.ts";

/** Every source of the unified timeline, for filters (API and CLI). */
export const HISTORY_SOURCES = [
  "app",
  "slowlog",
  "latency",
  "errorstats",
  "keyspace",
  "stats",
  "alert",
] as const satisfies readonly HistorySource[];

/** Every severity of a timeline event, mildest first. */
export const SEVERITIES = [
  "info",
  "warning",
  "error",
  "critical",
] as const satisfies readonly Severity[];
