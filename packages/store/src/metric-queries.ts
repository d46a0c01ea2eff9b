import {
  badInput,
  type HeatmapCell,
  hourOf,
  type MetricName,
  type Series,
  type SeriesQuery,
  type SeriesResult,
} from "@cachify/core";

/** What the metric queries ask and answer, the SQL of each metric, and the range rules. */

/**
 * Each metric as an aggregate over rollup rows, so one GROUP BY turns minutes (or hours) into any
 * wider step. Counts add up; gauges average; p95/p99 take the worst bucket (an upper bound).
 */
export const METRIC_SQL: Record<MetricName, string> = {
  up: "SUM(up_polls) * 1.0 / NULLIF(SUM(polls), 0)",
  health: "MAX(health)",
  ping_ms: "AVG(ping_avg)",
  clients: "AVG(clients)",
  blocked_clients: "AVG(blocked)",
  used_memory_bytes: "AVG(used_memory)",
  memory_used_ratio: "AVG(used_memory * 1.0 / NULLIF(max_memory, 0))",
  keys: "AVG(keys)",
  ops_per_sec: "AVG(ops_per_sec)",
  rejected_connections: "SUM(rejected)",
  evicted_keys: "SUM(evicted)",
  expired_keys: "SUM(expired)",
  hits: "SUM(hits)",
  misses: "SUM(misses)",
  hit_ratio: "SUM(hits) * 1.0 / NULLIF(SUM(hits) + SUM(misses), 0)",
  engine_errors: "SUM(engine_errors)",
  replication_link_up: "1.0 - SUM(repl_down) * 1.0 / NULLIF(SUM(polls), 0)",
  app_ops: "SUM(app_ops)",
  app_errors: "SUM(app_errors)",
  app_error_ratio: "SUM(app_errors) * 1.0 / NULLIF(SUM(app_ops), 0)",
  app_p50_ms:
    "SUM(app_p50 * app_ops) / NULLIF(SUM(CASE WHEN app_p50 IS NULL THEN 0 ELSE app_ops END), 0)",
  app_p95_ms: "MAX(app_p95)",
  app_p99_ms: "MAX(app_p99)",
};

export type RollupTier = "minute" | "hour";

export type { HeatmapCell, Series, SeriesQuery, SeriesResult };

export function table(tier: RollupTier): string {
  return tier === "hour" ? "metric_rollups_hourly" : "metric_rollups";
}

export function alignDown(ts: number, tier: RollupTier): number {
  return tier === "hour" ? hourOf(ts) : Math.floor(ts / 60_000) * 60_000;
}

export function checkRange(from: number, to: number, stepMs: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to)
    throw badInput("A time range needs from < to (ms since epoch).");
  if (!Number.isInteger(stepMs) || stepMs < 1)
    throw badInput("A step must be a whole number of milliseconds.");
}
