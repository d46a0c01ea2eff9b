import {
  badInput,
  type ConnectionProfile,
  chooseStep,
  type HeatmapCell,
  type HistoryEvent,
  type HistoryQuery,
  isMetricName,
  type KindStats,
  type MetricName,
  type MetricRepository,
  MINUTE_MS,
  parseDurationText,
  type Series,
  type TimelineQueries,
} from "@cachify/core";

export interface RangeQuery {
  /** "15m", "1h", "24h", "7d", "30d": ending now. Ignored when `from` is given. */
  range?: string;
  from?: number;
  to?: number;
  /** Bucket width in ms (at least a minute); default: chosen from the range. */
  stepMs?: number;
}

export interface ResolvedRange {
  from: number;
  to: number;
  stepMs: number;
}

export interface TimelinePage {
  events: HistoryEvent[];
  /** Pass as `beforeId` for the next (older) page; absent on the last page. */
  nextBeforeId?: string;
}

/** The metrics the dashboard charts by default. */
export const DASHBOARD_METRICS: MetricName[] = [
  "up",
  "ping_ms",
  "ops_per_sec",
  "app_ops",
  "app_errors",
  "app_p95_ms",
  "engine_errors",
  "memory_used_ratio",
  "evicted_keys",
  "clients",
];

/** The profiles as the queries name them: all of them, or one by name or id. */
export interface ProfileLookup {
  list(): ConnectionProfile[];
  resolve(ref: string): ConnectionProfile;
}

export interface QueryDeps {
  metrics: Pick<MetricRepository, "series" | "heatmap" | "kindTotals">;
  timeline: Pick<TimelineQueries, "slowest">;
  history: { list(query: HistoryQuery): HistoryEvent[] };
  profiles: ProfileLookup;
}

type HeatmapRow = { profileId: string; profileName: string; environment: string; total: number };

/** What is stored, over a range: trends, the error heatmap, slow operations, the timeline. */
export class ObservabilityQueries {
  constructor(private readonly deps: QueryDeps) {}

  resolveRange(q: RangeQuery, now: number = Date.now()): ResolvedRange {
    let from: number;
    let to: number;
    if (q.from !== undefined) {
      from = q.from;
      to = q.to ?? now;
    } else {
      to = q.to ?? now;
      from = to - parseDurationText(q.range ?? "1h", "range");
    }
    if (!(from < to)) throw badInput("The range must end after it starts (from < to).");
    const stepMs = q.stepMs ?? chooseStep(to - from);
    if (!Number.isInteger(stepMs) || stepMs < MINUTE_MS)
      throw badInput("step must be at least 60000 ms (rollups are per minute).");
    return { from, to, stepMs };
  }

  profileIds(refs: string[] | undefined): string[] | undefined {
    return refs?.length ? refs.map((r) => this.deps.profiles.resolve(r).id) : undefined;
  }

  series(q: RangeQuery & { metrics?: string[]; profiles?: string[] }): {
    range: ResolvedRange;
    timestamps: number[];
    series: Series[];
  } {
    const range = this.resolveRange(q);
    const metrics = (q.metrics?.length ? q.metrics : DASHBOARD_METRICS).map((m) => {
      if (!isMetricName(m)) throw badInput(`Unknown metric "${m}".`);
      return m;
    });
    const profileIds = this.profileIds(q.profiles);
    return {
      range,
      ...this.deps.metrics.series({
        metrics,
        ...(profileIds ? { profileIds } : {}),
        ...range,
      }),
    };
  }

  /** Errors per connection × environment × time: the app's, the engine's, and polls that found it down. */
  heatmap(q: RangeQuery): {
    range: ResolvedRange;
    rows: HeatmapRow[];
    cells: HeatmapCell[];
    environments: { environment: string; cells: [number, number][] }[];
  } {
    const range = this.resolveRange(q);
    const cells = this.deps.metrics.heatmap(range.from, range.to, range.stepMs);
    const names = new Map(this.deps.profiles.list().map((p) => [p.id, p.name]));
    const rows = new Map<string, HeatmapRow>();
    const envs = new Map<string, Map<number, number>>();
    for (const c of cells) {
      const total = c.app + c.engine + c.down;
      const key = `${c.environment}\0${c.profileId}`;
      const row = rows.get(key) ?? {
        profileId: c.profileId,
        profileName: names.get(c.profileId) ?? "(removed profile)",
        environment: c.environment,
        total: 0,
      };
      row.total += total;
      rows.set(key, row);
      const env = envs.get(c.environment) ?? new Map<number, number>();
      env.set(c.ts, (env.get(c.ts) ?? 0) + total);
      envs.set(c.environment, env);
    }
    return {
      range,
      rows: [...rows.values()],
      cells,
      environments: [...envs].map(([environment, m]) => ({
        environment,
        cells: [...m].sort((a, b) => a[0] - b[0]),
      })),
    };
  }

  /** The slowest operations of this studio (audit events) and of the engine (SLOWLOG). */
  slowOperations(q: RangeQuery & { profiles?: string[]; limit?: number }): {
    range: ResolvedRange;
    app: HistoryEvent[];
    engine: HistoryEvent[];
  } {
    const range = this.resolveRange(q);
    const profileIds = this.profileIds(q.profiles);
    const base = {
      from: range.from,
      to: range.to,
      limit: q.limit ?? 20,
      ...(profileIds ? { profileIds } : {}),
    };
    return {
      range,
      app: this.deps.timeline.slowest({ source: "app", ...base }),
      engine: this.deps.timeline.slowest({ source: "slowlog", ...base }),
    };
  }

  /** App operations per kind over the range: counts, errors, latency percentiles. */
  operations(q: RangeQuery & { profiles?: string[] }): {
    range: ResolvedRange;
    kinds: (KindStats & { kind: string })[];
  } {
    const range = this.resolveRange(q);
    const totals = this.deps.metrics.kindTotals(range.from, range.to, this.profileIds(q.profiles));
    return {
      range,
      kinds: Object.entries(totals)
        .map(([kind, s]) => ({ kind, ...s }))
        .sort((a, b) => b.ops - a.ops),
    };
  }

  /** A page of the unified timeline, newest first, with the id to pass for the next page. */
  timeline(query: HistoryQuery): TimelinePage {
    const limit = query.limit ?? 100;
    const events = this.deps.history.list({ ...query, limit });
    const page: TimelinePage = { events };
    if (events.length === limit) page.nextBeforeId = events.at(-1)!.id;
    return page;
  }
}
