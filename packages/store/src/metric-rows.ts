import type { Environment, KindStats, Rollup } from "@cachify/core";

/**
 * A rollup as SQLite stores it (metric_rollups and metric_rollups_hourly share the columns):
 * snake_case columns, null for a gauge with no reading, the per-kind stats as JSON.
 */

export interface RollupRow {
  profile_id: string;
  bucket: number;
  environment: string;
  polls: number;
  up_polls: number;
  ping_avg: number | null;
  ping_max: number | null;
  health: number | null;
  clients: number | null;
  blocked: number | null;
  used_memory: number | null;
  max_memory: number | null;
  keys: number | null;
  ops_per_sec: number | null;
  rejected: number;
  evicted: number;
  expired: number;
  hits: number;
  misses: number;
  engine_errors: number;
  repl_down: number;
  app_ops: number;
  app_errors: number;
  app_p50: number | null;
  app_p95: number | null;
  app_p99: number | null;
  app_max: number | null;
  app_kinds: string | null;
}

export const COLUMNS: (keyof RollupRow)[] = [
  "profile_id",
  "bucket",
  "environment",
  "polls",
  "up_polls",
  "ping_avg",
  "ping_max",
  "health",
  "clients",
  "blocked",
  "used_memory",
  "max_memory",
  "keys",
  "ops_per_sec",
  "rejected",
  "evicted",
  "expired",
  "hits",
  "misses",
  "engine_errors",
  "repl_down",
  "app_ops",
  "app_errors",
  "app_p50",
  "app_p95",
  "app_p99",
  "app_max",
  "app_kinds",
];

export function toRow(r: Rollup): RollupRow {
  return {
    profile_id: r.profileId,
    bucket: r.bucket,
    environment: r.environment,
    polls: r.polls,
    up_polls: r.upPolls,
    ping_avg: r.pingAvgMs ?? null,
    ping_max: r.pingMaxMs ?? null,
    health: r.health ?? null,
    clients: r.clients ?? null,
    blocked: r.blocked ?? null,
    used_memory: r.usedMemory ?? null,
    max_memory: r.maxMemory ?? null,
    keys: r.keys ?? null,
    ops_per_sec: r.opsPerSec ?? null,
    rejected: r.rejected,
    evicted: r.evicted,
    expired: r.expired,
    hits: r.hits,
    misses: r.misses,
    engine_errors: r.engineErrors,
    repl_down: r.replDown,
    app_ops: r.appOps,
    app_errors: r.appErrors,
    app_p50: r.appP50Ms ?? null,
    app_p95: r.appP95Ms ?? null,
    app_p99: r.appP99Ms ?? null,
    app_max: r.appMaxMs ?? null,
    app_kinds: Object.keys(r.appKinds).length > 0 ? JSON.stringify(r.appKinds) : null,
  };
}

export function fromRow(row: RollupRow): Rollup {
  const r: Rollup = {
    profileId: row.profile_id,
    bucket: row.bucket,
    environment: row.environment as Environment,
    polls: row.polls,
    upPolls: row.up_polls,
    rejected: row.rejected,
    evicted: row.evicted,
    expired: row.expired,
    hits: row.hits,
    misses: row.misses,
    engineErrors: row.engine_errors,
    replDown: row.repl_down,
    appOps: row.app_ops,
    appErrors: row.app_errors,
    appKinds: row.app_kinds ? (JSON.parse(row.app_kinds) as Record<string, KindStats>) : {},
  };
  const opt: [keyof Rollup, number | null][] = [
    ["pingAvgMs", row.ping_avg],
    ["pingMaxMs", row.ping_max],
    ["health", row.health],
    ["clients", row.clients],
    ["blocked", row.blocked],
    ["usedMemory", row.used_memory],
    ["maxMemory", row.max_memory],
    ["keys", row.keys],
    ["opsPerSec", row.ops_per_sec],
    ["appP50Ms", row.app_p50],
    ["appP95Ms", row.app_p95],
    ["appP99Ms", row.app_p99],
    ["appMaxMs", row.app_max],
  ];
  for (const [k, v] of opt) if (v !== null) (r as unknown as Record<string, number>)[k] = v;
  return r;
}
