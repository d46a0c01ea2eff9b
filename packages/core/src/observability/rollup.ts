import type { Environment } from "../profiles/profile.ts";
import type { AppWindow } from "./app-stats.ts";
import type { CounterDeltas, EngineReading } from "./engine-reading.ts";
import { HEALTH_LEVEL, type Health, type KindStats, type MetricValues } from "./metrics.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** What one poll of one profile found. */
export interface PollSample {
  ts: number;
  health: Health;
  reasons: string[];
  pingMs?: number;
  reading?: EngineReading;
  deltas?: CounterDeltas;
  /** App metrics of the operations finished since the previous poll (all kinds together). */
  app?: KindStats;
}

/** The metric values of one poll, by the names alert rules and charts use. */
export function pollValues(s: PollSample): MetricValues {
  const v: MetricValues = { up: s.health === "down" ? 0 : 1, health: HEALTH_LEVEL[s.health] };
  if (s.health === "unknown") delete v.up;
  if (s.pingMs !== undefined) v.ping_ms = s.pingMs;
  const r = s.reading;
  if (r) {
    set(v, "clients", r.clients);
    set(v, "blocked_clients", r.blocked);
    set(v, "used_memory_bytes", r.usedMemory);
    if (r.usedMemory !== undefined && r.maxMemory) v.memory_used_ratio = r.usedMemory / r.maxMemory;
    set(v, "keys", r.keys);
    set(v, "ops_per_sec", r.opsPerSec);
    if (r.replicationLink) v.replication_link_up = r.replicationLink === "up" ? 1 : 0;
  }
  const d = s.deltas?.counters;
  if (d) {
    v.rejected_connections = d.rejected;
    v.evicted_keys = d.evicted;
    v.expired_keys = d.expired;
    v.hits = d.hits;
    v.misses = d.misses;
    if (d.hits + d.misses > 0) v.hit_ratio = d.hits / (d.hits + d.misses);
    if (r?.engine === "redis") v.engine_errors = d.errors;
  }
  if (s.app) {
    v.app_ops = s.app.ops;
    v.app_errors = s.app.errors;
    if (s.app.ops > 0) v.app_error_ratio = s.app.errors / s.app.ops;
    set(v, "app_p50_ms", s.app.p50Ms);
    set(v, "app_p95_ms", s.app.p95Ms);
    set(v, "app_p99_ms", s.app.p99Ms);
  }
  return v;
}

function set(v: MetricValues, name: keyof MetricValues, value: number | undefined): void {
  if (value !== undefined) v[name] = value;
}

/**
 * One profile's metrics over one minute (or, merged, one hour): what SQLite keeps for the
 * retention window. Gauges are the bucket's last value (ops/s its average); counts are sums.
 */
export interface Rollup {
  profileId: string;
  /** Start of the bucket (ms since epoch, a whole minute or hour). */
  bucket: number;
  environment: Environment;
  polls: number;
  upPolls: number;
  pingAvgMs?: number;
  pingMaxMs?: number;
  /** The worst health level seen (0 ok, 1 degraded, 2 down); absent without polls. */
  health?: number;
  clients?: number;
  blocked?: number;
  usedMemory?: number;
  maxMemory?: number;
  keys?: number;
  opsPerSec?: number;
  rejected: number;
  evicted: number;
  expired: number;
  hits: number;
  misses: number;
  engineErrors: number;
  /** Polls that found a replica's link to its primary down. */
  replDown: number;
  appOps: number;
  appErrors: number;
  appP50Ms?: number;
  appP95Ms?: number;
  appP99Ms?: number;
  appMaxMs?: number;
  appKinds: Record<string, KindStats>;
}

export function emptyRollup(profileId: string, bucket: number, environment: Environment): Rollup {
  return {
    profileId,
    bucket,
    environment,
    polls: 0,
    upPolls: 0,
    rejected: 0,
    evicted: 0,
    expired: 0,
    hits: 0,
    misses: 0,
    engineErrors: 0,
    replDown: 0,
    appOps: 0,
    appErrors: 0,
    appKinds: {},
  };
}

/** Collects one profile's polls for the current minute. */
export class RollupBuilder {
  private polls: PollSample[] = [];

  constructor(
    readonly profileId: string,
    public environment: Environment,
  ) {}

  addPoll(s: PollSample): void {
    this.polls.push(s);
  }

  get empty(): boolean {
    return this.polls.length === 0;
  }

  /** The minute's rollup from its polls and the app window; resets for the next minute. */
  finish(bucket: number, app: AppWindow | undefined): Rollup {
    const r = emptyRollup(this.profileId, bucket, this.environment);
    let pingSum = 0;
    let pingCount = 0;
    let opsSum = 0;
    let opsCount = 0;
    for (const s of this.polls) {
      r.polls++;
      if (s.health !== "down" && s.health !== "unknown") r.upPolls++;
      const level = HEALTH_LEVEL[s.health];
      if (level >= 0) r.health = Math.max(r.health ?? 0, level);
      if (s.pingMs !== undefined) {
        pingSum += s.pingMs;
        pingCount++;
        r.pingMaxMs = Math.max(r.pingMaxMs ?? 0, s.pingMs);
      }
      const g = s.reading;
      if (g) {
        if (g.clients !== undefined) r.clients = g.clients;
        if (g.blocked !== undefined) r.blocked = g.blocked;
        if (g.usedMemory !== undefined) r.usedMemory = g.usedMemory;
        if (g.maxMemory !== undefined) r.maxMemory = g.maxMemory;
        if (g.keys !== undefined) r.keys = g.keys;
        if (g.opsPerSec !== undefined) {
          opsSum += g.opsPerSec;
          opsCount++;
        }
        if (g.replicationLink === "down") r.replDown++;
      }
      const d = s.deltas?.counters;
      if (d) {
        r.rejected += d.rejected;
        r.evicted += d.evicted;
        r.expired += d.expired;
        r.hits += d.hits;
        r.misses += d.misses;
        r.engineErrors += d.errors;
      }
    }
    if (pingCount > 0) r.pingAvgMs = round3(pingSum / pingCount);
    if (r.pingMaxMs !== undefined) r.pingMaxMs = round3(r.pingMaxMs);
    if (opsCount > 0) r.opsPerSec = round3(opsSum / opsCount);
    if (app && !app.empty) {
      const t = app.total();
      r.appOps = t.ops;
      r.appErrors = t.errors;
      if (t.p50Ms !== undefined) r.appP50Ms = t.p50Ms;
      if (t.p95Ms !== undefined) r.appP95Ms = t.p95Ms;
      if (t.p99Ms !== undefined) r.appP99Ms = t.p99Ms;
      if (t.maxMs !== undefined) r.appMaxMs = t.maxMs;
      r.appKinds = app.byKind();
    }
    this.polls = [];
    return r;
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Several rollups of one profile as one (minutes into an hour). Counts add up; gauges take the
 * newest bucket's value; PING and the median latency are weighted averages; p95/p99 and maxima
 * take the worst bucket (an upper bound: percentiles cannot be merged exactly without samples).
 */
export function mergeRollups(rows: readonly Rollup[], bucket: number): Rollup | undefined {
  if (rows.length === 0) return undefined;
  const sorted = [...rows].sort((a, b) => a.bucket - b.bucket);
  const last = sorted.at(-1)!;
  const r = emptyRollup(last.profileId, bucket, last.environment);
  let pingW = 0;
  let pingSum = 0;
  let opsW = 0;
  let opsSum = 0;
  let p50W = 0;
  let p50Sum = 0;
  const kinds = new Map<string, { s: KindStats; w50: number }>();
  for (const x of sorted) {
    r.polls += x.polls;
    r.upPolls += x.upPolls;
    if (x.health !== undefined) r.health = Math.max(r.health ?? 0, x.health);
    if (x.pingAvgMs !== undefined) {
      const w = Math.max(1, x.upPolls);
      pingSum += x.pingAvgMs * w;
      pingW += w;
    }
    if (x.pingMaxMs !== undefined) r.pingMaxMs = Math.max(r.pingMaxMs ?? 0, x.pingMaxMs);
    for (const k of ["clients", "blocked", "usedMemory", "maxMemory", "keys"] as const) {
      if (x[k] !== undefined) r[k] = x[k];
    }
    if (x.opsPerSec !== undefined) {
      const w = Math.max(1, x.polls);
      opsSum += x.opsPerSec * w;
      opsW += w;
    }
    r.rejected += x.rejected;
    r.evicted += x.evicted;
    r.expired += x.expired;
    r.hits += x.hits;
    r.misses += x.misses;
    r.engineErrors += x.engineErrors;
    r.replDown += x.replDown;
    r.appOps += x.appOps;
    r.appErrors += x.appErrors;
    if (x.appP50Ms !== undefined && x.appOps > 0) {
      p50Sum += x.appP50Ms * x.appOps;
      p50W += x.appOps;
    }
    r.appP95Ms = maxOf(r.appP95Ms, x.appP95Ms);
    r.appP99Ms = maxOf(r.appP99Ms, x.appP99Ms);
    r.appMaxMs = maxOf(r.appMaxMs, x.appMaxMs);
    for (const [kind, s] of Object.entries(x.appKinds)) {
      const k = kinds.get(kind) ?? { s: { ops: 0, errors: 0 }, w50: 0 };
      const p50Total =
        (k.s.p50Ms ?? 0) * k.w50 + (s.p50Ms ?? 0) * (s.p50Ms === undefined ? 0 : s.ops);
      k.s.ops += s.ops;
      k.s.errors += s.errors;
      if (s.p50Ms !== undefined) k.w50 += s.ops;
      if (k.w50 > 0) k.s.p50Ms = round3(p50Total / k.w50);
      k.s.p95Ms = maxOf(k.s.p95Ms, s.p95Ms);
      k.s.p99Ms = maxOf(k.s.p99Ms, s.p99Ms);
      k.s.maxMs = maxOf(k.s.maxMs, s.maxMs);
      kinds.set(kind, k);
    }
  }
  if (pingW > 0) r.pingAvgMs = round3(pingSum / pingW);
  if (opsW > 0) r.opsPerSec = round3(opsSum / opsW);
  if (p50W > 0) r.appP50Ms = round3(p50Sum / p50W);
  for (const k of ["appP95Ms", "appP99Ms", "appMaxMs"] as const)
    if (r[k] === undefined) delete r[k];
  for (const [kind, k] of kinds) {
    for (const f of ["p95Ms", "p99Ms", "maxMs"] as const) if (k.s[f] === undefined) delete k.s[f];
    r.appKinds[kind] = k.s;
  }
  return r;
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

export const minuteOf = (ts: number) => Math.floor(ts / MINUTE_MS) * MINUTE_MS;
export const hourOf = (ts: number) => Math.floor(ts / HOUR_MS) * HOUR_MS;
