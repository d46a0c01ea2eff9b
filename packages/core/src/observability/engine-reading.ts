import type { EngineStats } from "../operations/operation.ts";

/** Cumulative counters as the server reports them (they restart at 0 when the server restarts). */
export interface EngineCounters {
  rejected: number;
  evicted: number;
  expired: number;
  hits: number;
  misses: number;
  /** Redis: the sum of every errorstat_* count. */
  errors: number;
  /** Memcached: times it stopped accepting connections (listen_disabled_num). */
  listenDisabled: number;
}

export const COUNTER_NAMES = [
  "rejected",
  "evicted",
  "expired",
  "hits",
  "misses",
  "errors",
  "listenDisabled",
] as const satisfies readonly (keyof EngineCounters)[];

/** What one `stats` answer says, engine-neutral. */
export interface EngineReading {
  engine: "redis" | "memcached";
  /**
   * Identity of the server process: Redis run_id; memcached pid and start time. It changes when
   * the server restarts, which is how counter resets and SLOWLOG id restarts are told apart.
   */
  runId?: string;
  uptimeS?: number;
  version?: string;
  clients?: number;
  maxClients?: number;
  blocked?: number;
  usedMemory?: number;
  maxMemory?: number;
  keys?: number;
  opsPerSec?: number;
  role?: string;
  /** Replicas only: the link to the primary. */
  replicationLink?: "up" | "down";
  loading?: boolean;
  counters: EngineCounters;
  /** Redis errorstats per error prefix (ERR, WRONGTYPE, NOPERM, ...): cumulative counts. */
  errorstats: Record<string, number>;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a Redis or memcached `stats` answer. Unknown or missing fields stay undefined. */
export function readEngine(stats: EngineStats): EngineReading {
  return stats.engine === "redis" ? readRedis(stats) : readMemcached(stats);
}

function readRedis(stats: EngineStats): EngineReading {
  const f = stats.fields;
  const errorstats: Record<string, number> = {};
  let errors = 0;
  for (const [name, value] of Object.entries(f)) {
    if (!name.startsWith("errorstat_")) continue;
    const m = /count=(\d+)/.exec(value);
    if (!m) continue;
    const n = Number(m[1]);
    errorstats[name.slice("errorstat_".length)] = n;
    errors += n;
  }
  const r: EngineReading = {
    engine: "redis",
    counters: {
      rejected: num(f.rejected_connections) ?? 0,
      evicted: num(f.evicted_keys) ?? 0,
      expired: num(f.expired_keys) ?? 0,
      hits: num(f.keyspace_hits) ?? 0,
      misses: num(f.keyspace_misses) ?? 0,
      errors,
      listenDisabled: 0,
    },
    errorstats,
  };
  if (f.run_id) r.runId = f.run_id;
  assign(r, "uptimeS", num(f.uptime_in_seconds));
  if (stats.version) r.version = stats.version;
  assign(r, "clients", num(f.connected_clients));
  assign(r, "maxClients", num(f.maxclients));
  assign(r, "blocked", num(f.blocked_clients));
  assign(r, "usedMemory", num(f.used_memory));
  const max = num(f.maxmemory);
  if (max !== undefined && max > 0) r.maxMemory = max;
  assign(r, "keys", stats.keys);
  assign(r, "opsPerSec", num(f.instantaneous_ops_per_sec));
  if (f.role) r.role = f.role;
  if (f.role === "slave" && f.master_link_status) {
    r.replicationLink = f.master_link_status === "up" ? "up" : "down";
  }
  if (f.loading !== undefined) r.loading = f.loading === "1";
  return r;
}

function readMemcached(stats: EngineStats): EngineReading {
  const f = stats.fields;
  const r: EngineReading = {
    engine: "memcached",
    counters: {
      rejected: num(f.rejected_connections) ?? 0,
      evicted: num(f.evictions) ?? 0,
      expired: num(f.expired_unfetched) ?? 0,
      hits: num(f.get_hits) ?? 0,
      misses: num(f.get_misses) ?? 0,
      errors: 0,
      listenDisabled: num(f.listen_disabled_num) ?? 0,
    },
    errorstats: {},
  };
  // A pool reports every server's own fields as "<host:port>/<name>": the identity is the set of
  // every server's pid and start time, so any one restarting is seen.
  const servers = Number(f.servers ?? "1");
  const identity: string[] = [];
  if (servers > 1) {
    for (const name of Object.keys(f)) {
      if (!name.endsWith("/pid")) continue;
      const addr = name.slice(0, -"/pid".length);
      identity.push(startIdentity(f[`${addr}/pid`], f[`${addr}/time`], f[`${addr}/uptime`], addr));
    }
  } else {
    identity.push(startIdentity(f.pid, f.time, f.uptime));
  }
  if (identity.every((s) => s !== "")) r.runId = identity.sort().join(",");
  assign(r, "uptimeS", num(f.uptime));
  if (stats.version) r.version = stats.version;
  assign(r, "clients", num(f.curr_connections));
  assign(r, "maxClients", num(f.max_connections));
  assign(r, "usedMemory", num(f.bytes));
  const max = num(f.limit_maxbytes);
  if (max !== undefined && max > 0) r.maxMemory = max;
  assign(r, "keys", stats.keys ?? num(f.curr_items));
  return r;
}

/** memcached's start time is `time - uptime` (both whole seconds on the server's own clock). */
function startIdentity(
  pid: string | undefined,
  time: string | undefined,
  uptime: string | undefined,
  addr?: string,
): string {
  const t = num(time);
  const u = num(uptime);
  if (pid === undefined || t === undefined || u === undefined) return "";
  return `${addr ? `${addr}#` : ""}${pid}@${t - u}`;
}

function assign<K extends keyof EngineReading>(
  r: EngineReading,
  key: K,
  value: EngineReading[K] | undefined,
): void {
  if (value !== undefined) r[key] = value;
}

export interface CounterDeltas {
  /** What happened since the previous reading, per counter. */
  counters: EngineCounters;
  errorstats: Record<string, number>;
  /** The server restarted in between (a new run id, or its uptime went back). */
  restarted: boolean;
}

/**
 * Per-poll deltas of the cumulative counters. A restart resets every counter: what the new
 * process counted is all new, so the delta is its current value (never a negative number and
 * never the difference with the old process). A counter that goes back without a restart
 * (CONFIG RESETSTAT) is treated the same way, for that counter alone. The first reading has no
 * previous one: no deltas (undefined), it is the baseline.
 */
export function counterDeltas(
  prev: EngineReading | undefined,
  cur: EngineReading,
): CounterDeltas | undefined {
  if (!prev) return undefined;
  const restarted = serverRestarted(prev, cur);
  const counters = {} as EngineCounters;
  for (const name of COUNTER_NAMES) {
    const a = prev.counters[name];
    const b = cur.counters[name];
    counters[name] = restarted || b < a ? b : b - a;
  }
  const errorstats: Record<string, number> = {};
  for (const [name, b] of Object.entries(cur.errorstats)) {
    const a = prev.errorstats[name] ?? 0;
    const d = restarted || b < a ? b : b - a;
    if (d > 0) errorstats[name] = d;
  }
  return { counters, errorstats, restarted };
}

export function serverRestarted(prev: EngineReading, cur: EngineReading): boolean {
  if (prev.runId !== undefined && cur.runId !== undefined) return prev.runId !== cur.runId;
  return prev.uptimeS !== undefined && cur.uptimeS !== undefined && cur.uptimeS < prev.uptimeS;
}
