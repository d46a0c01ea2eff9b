import type { Engine, Environment } from "../profiles/profile.ts";

/** Health of one profile at one poll (docs/design/contracts.md#observability-and-alerts). */
export type Health = "ok" | "degraded" | "down" | "unknown";

/** Health as a number for charts, rollups and alert rules: higher is worse. */
export const HEALTH_LEVEL: Record<Health, number> = { ok: 0, degraded: 1, down: 2, unknown: -1 };

export function healthFromLevel(level: number | null | undefined): Health {
  if (level === 0) return "ok";
  if (level === 1) return "degraded";
  if (level === 2) return "down";
  return "unknown";
}

/**
 * Every metric the dashboard charts and alert rules can name. `gauge`: a level at one time (the
 * window's reduce looks at the levels). `count`: how many happened since the previous poll (the
 * engine's cumulative counters turned into per-poll deltas, restarts handled), so `rate` is per
 * second and `max`/`avg` are per poll.
 */
export const METRICS = {
  up: { kind: "gauge", unit: "0/1", source: "engine", help: "1 when the server answered PING" },
  health: {
    kind: "gauge",
    unit: "level",
    source: "engine",
    help: "0 ok, 1 degraded, 2 down",
  },
  ping_ms: { kind: "gauge", unit: "ms", source: "engine", help: "PING round trip (memcached: mn)" },
  clients: { kind: "gauge", unit: "", source: "engine", help: "connected clients / connections" },
  blocked_clients: { kind: "gauge", unit: "", source: "engine", help: "clients blocked (Redis)" },
  used_memory_bytes: { kind: "gauge", unit: "bytes", source: "engine", help: "memory used" },
  memory_used_ratio: {
    kind: "gauge",
    unit: "0..1",
    source: "engine",
    help: "used memory / maxmemory (limit_maxbytes); absent without a limit",
  },
  keys: { kind: "gauge", unit: "", source: "engine", help: "keys (items) held" },
  ops_per_sec: {
    kind: "gauge",
    unit: "ops/s",
    source: "engine",
    help: "server-side operations per second",
  },
  rejected_connections: {
    kind: "count",
    unit: "",
    source: "engine",
    help: "connections refused by the server (maxclients / max connections)",
  },
  evicted_keys: { kind: "count", unit: "", source: "engine", help: "keys evicted" },
  expired_keys: { kind: "count", unit: "", source: "engine", help: "keys expired" },
  hits: { kind: "count", unit: "", source: "engine", help: "read hits" },
  misses: { kind: "count", unit: "", source: "engine", help: "read misses" },
  hit_ratio: { kind: "gauge", unit: "0..1", source: "engine", help: "hits / (hits + misses)" },
  engine_errors: {
    kind: "count",
    unit: "",
    source: "engine",
    help: "error replies the server sent (Redis errorstats)",
  },
  replication_link_up: {
    kind: "gauge",
    unit: "0/1",
    source: "engine",
    help: "replicas: 1 when the link to the primary is up",
  },
  app_ops: { kind: "count", unit: "", source: "app", help: "operations run by this studio" },
  app_errors: {
    kind: "count",
    unit: "",
    source: "app",
    help: "operations that failed or timed out",
  },
  app_error_ratio: { kind: "gauge", unit: "0..1", source: "app", help: "app_errors / app_ops" },
  app_p50_ms: { kind: "gauge", unit: "ms", source: "app", help: "median operation latency" },
  app_p95_ms: { kind: "gauge", unit: "ms", source: "app", help: "95th percentile latency" },
  app_p99_ms: { kind: "gauge", unit: "ms", source: "app", help: "99th percentile latency" },
} as const satisfies Record<
  string,
  { kind: "gauge" | "count"; unit: string; source: "engine" | "app"; help: string }
>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** Metric values of one poll: a metric absent here had no value (server down, no operations). */
export type MetricValues = Partial<Record<MetricName, number>>;

/** One point of a profile's live series (one per poll). */
export interface MetricPoint {
  ts: number;
  values: MetricValues;
}

/** App metrics of one operation kind over some window (no keys, no values). */
export interface KindStats {
  ops: number;
  errors: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

/**
 * What the dashboard's health card shows for one profile
 * (docs/design/contracts.md#observability-and-alerts).
 */
export interface HealthCard {
  profileId: string;
  profileName: string;
  environment: Environment;
  engine: Engine;
  watched: boolean;
  health: Health;
  /** Why the health is what it is ("connection refused", "memory at 97% of maxmemory"). */
  reasons: string[];
  up?: boolean;
  pingMs?: number;
  /** Since when the health has been what it is. */
  since?: number;
  lastPollAt?: number;
  version?: string;
  role?: string;
  /** The latest value of every metric that has one. */
  metrics: MetricValues;
  /** Engine event sources and why one is off (LATENCY without a threshold, keyspace events off). */
  events: Partial<
    Record<"slowlog" | "latency" | "keyspace", { enabled: boolean; reason?: string }>
  >;
  alerts: { firing: number; pending: number };
}
