import {
  badInput,
  HOUR_MS,
  hourOf,
  type KindStats,
  type MetricRepository,
  mergeRollups,
  type Rollup,
} from "@cachify/core";
import type Database from "better-sqlite3";
import {
  alignDown,
  checkRange,
  type HeatmapCell,
  METRIC_SQL,
  type RollupTier,
  type Series,
  type SeriesQuery,
  type SeriesResult,
  table,
} from "./metric-queries.ts";
import { COLUMNS, fromRow, type RollupRow, toRow } from "./metric-rows.ts";

const KINDS_CACHE_MAX = 50_000;
/** Rows deleted per statement by prune, so a big prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

/** Metric rollups: 1-minute buckets, compacted into 1-hour buckets for long ranges. */
export class SqliteMetricRepository implements MetricRepository {
  readonly #db: Database.Database;
  readonly #upsert: Record<RollupTier, Database.Statement>;
  readonly #getMinute: Database.Statement<[string, number], RollupRow>;
  readonly #minutesIn: Database.Statement<[number, number], RollupRow>;
  readonly #latest: Database.Statement<[string], RollupRow>;
  readonly #statements = new Map<string, Database.Statement>();
  /** Parsed per-kind JSON by its text (a finished bucket's text never changes). */
  readonly #kindsCache = new Map<string, Record<string, KindStats>>();
  readonly #upsertMinutes: (rows: readonly Rollup[]) => void;

  constructor(db: Database.Database) {
    this.#db = db;
    const insert = (table: string) =>
      db.prepare(
        `INSERT OR REPLACE INTO ${table} (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`,
      );
    this.#upsert = { minute: insert("metric_rollups"), hour: insert("metric_rollups_hourly") };
    this.#getMinute = db.prepare(
      "SELECT * FROM metric_rollups WHERE profile_id = ? AND bucket = ?",
    );
    this.#minutesIn = db.prepare(
      "SELECT * FROM metric_rollups WHERE bucket >= ? AND bucket < ? ORDER BY profile_id, bucket",
    );
    this.#latest = db.prepare(
      "SELECT * FROM metric_rollups WHERE profile_id = ? ORDER BY bucket DESC LIMIT 1",
    );
    const tx = db.transaction((rows: readonly Rollup[]) => {
      const hours = new Set<number>();
      for (const r of rows) {
        // Another run of the studio may have written part of this minute: merge, never lose it.
        const existing = this.#getMinute.get(r.profileId, r.bucket);
        const row = existing ? mergeRollups([fromRow(existing), r], r.bucket)! : r;
        this.#upsert.minute.run(toRow(row));
        hours.add(hourOf(r.bucket));
      }
      for (const h of hours) this.#compact(h);
    });
    this.#upsertMinutes = (rows) => tx.immediate(rows);
  }

  /** Writes finished minutes (merging with what is there) and refreshes their hours. */
  writeMinutes(rows: readonly Rollup[]): void {
    if (rows.length > 0) this.#upsertMinutes(rows);
  }

  /** Writes rollups as they are into a tier (bulk loads, tests, benchmarks). */
  writeRaw(tier: RollupTier, rows: readonly Rollup[]): void {
    const tx = this.#db.transaction(() => {
      for (const r of rows) this.#upsert[tier].run(toRow(r));
    });
    tx.immediate();
  }

  /** Recomputes one hour's buckets from its minutes (every profile). */
  compactHour(hourStart: number): void {
    this.#db.transaction(() => this.#compact(hourStart)).immediate();
  }

  #compact(hourStart: number): void {
    const byProfile = new Map<string, Rollup[]>();
    for (const row of this.#minutesIn.all(hourStart, hourStart + HOUR_MS)) {
      const list = byProfile.get(row.profile_id) ?? [];
      list.push(fromRow(row));
      byProfile.set(row.profile_id, list);
    }
    for (const rows of byProfile.values()) {
      const merged = mergeRollups(rows, hourStart);
      if (merged) this.#upsert.hour.run(toRow(merged));
    }
  }

  latest(profileId: string): Rollup | undefined {
    const row = this.#latest.get(profileId);
    return row ? fromRow(row) : undefined;
  }

  rollups(tier: RollupTier, profileId: string, from: number, to: number): Rollup[] {
    const sql = `SELECT * FROM ${table(tier)} WHERE profile_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`;
    return (this.#prepare(sql).all(profileId, from, to) as RollupRow[]).map(fromRow);
  }

  /**
   * Trend series: each metric per profile per step, aggregated in SQL from the right tier, as
   * columns over one shared list of bucket times (compact, and ready for a chart's dataset).
   */
  series(q: SeriesQuery): SeriesResult {
    checkRange(q.from, q.to, q.stepMs);
    const tier: RollupTier = q.stepMs >= HOUR_MS ? "hour" : "minute";
    const first = q.from - (q.from % q.stepMs);
    const timestamps: number[] = [];
    for (let t = first; t < q.to; t += q.stepMs) timestamps.push(t);
    if (q.metrics.length === 0) return { timestamps, series: [] };
    const params: unknown[] = [q.stepMs, alignDown(q.from, tier), q.to];
    let where = "bucket >= ? AND bucket < ?";
    if (q.profileIds) {
      if (q.profileIds.length === 0) return { timestamps, series: [] };
      where += ` AND profile_id IN (${q.profileIds.map(() => "?").join(", ")})`;
      params.push(...q.profileIds);
    }
    const cols = q.metrics.map((m, i) => `${METRIC_SQL[m]} AS m${i}`).join(", ");
    const sql = `SELECT profile_id, bucket - bucket % ? AS t, ${cols} FROM ${table(tier)} WHERE ${where} GROUP BY profile_id, t ORDER BY profile_id, t`;
    const rows = this.#prepare(sql)
      .raw()
      .all(...params) as unknown[][];
    const out = new Map<string, Series>();
    for (const row of rows) {
      const profileId = row[0] as string;
      const slot = Math.round(((row[1] as number) - first) / q.stepMs);
      if (slot < 0 || slot >= timestamps.length) continue;
      q.metrics.forEach((metric, i) => {
        const key = `${profileId}\0${metric}`;
        let s = out.get(key);
        if (!s) {
          s = { profileId, metric, values: new Array(timestamps.length).fill(null) };
          out.set(key, s);
        }
        const v = row[i + 2] as number | null;
        s.values[slot] = v === null ? null : Math.round(v * 1000) / 1000;
      });
    }
    return { timestamps, series: [...out.values()] };
  }

  /** Errors per profile (with its environment) per step: the app's, the engine's, and down polls. */
  heatmap(from: number, to: number, stepMs: number): HeatmapCell[] {
    checkRange(from, to, stepMs);
    const tier: RollupTier = stepMs >= HOUR_MS ? "hour" : "minute";
    const sql = `SELECT profile_id AS profileId, environment, bucket - bucket % ? AS ts,
        SUM(app_errors) AS app, SUM(engine_errors) AS engine, SUM(polls - up_polls) AS down
      FROM ${table(tier)} WHERE bucket >= ? AND bucket < ?
      GROUP BY profile_id, environment, ts
      HAVING SUM(app_errors) + SUM(engine_errors) + SUM(polls - up_polls) > 0
      ORDER BY environment, profile_id, ts`;
    return this.#prepare(sql).all(stepMs, alignDown(from, tier), to) as HeatmapCell[];
  }

  /**
   * App metrics per operation kind over a range (hour tier for ranges of a day or more): counts
   * add up, the median is ops-weighted, p95/p99 and the maximum take the worst bucket. Each
   * bucket's per-kind JSON is parsed once and remembered (finished buckets never change).
   */
  kindTotals(from: number, to: number, profileIds?: string[]): Record<string, KindStats> {
    checkRange(from, to, 1);
    const tier: RollupTier = to - from >= 24 * HOUR_MS ? "hour" : "minute";
    const params: unknown[] = [alignDown(from, tier), to];
    let where = "bucket >= ? AND bucket < ? AND app_kinds IS NOT NULL";
    if (profileIds) {
      if (profileIds.length === 0) return {};
      where += ` AND profile_id IN (${profileIds.map(() => "?").join(", ")})`;
      params.push(...profileIds);
    }
    const sql = `SELECT app_kinds FROM ${table(tier)} WHERE ${where}`;
    const rows = this.#prepare(sql)
      .pluck()
      .all(...params) as string[];
    const acc = new Map<string, { s: KindStats; w50: number; p50: number }>();
    for (const text of rows) {
      let kinds = this.#kindsCache.get(text);
      if (!kinds) {
        kinds = JSON.parse(text) as Record<string, KindStats>;
        if (this.#kindsCache.size >= KINDS_CACHE_MAX) this.#kindsCache.clear();
        this.#kindsCache.set(text, kinds);
      }
      for (const kind in kinds) {
        const k = kinds[kind]!;
        let a = acc.get(kind);
        if (!a) {
          a = { s: { ops: 0, errors: 0 }, w50: 0, p50: 0 };
          acc.set(kind, a);
        }
        a.s.ops += k.ops;
        a.s.errors += k.errors;
        if (k.p50Ms !== undefined) {
          a.p50 += k.p50Ms * k.ops;
          a.w50 += k.ops;
        }
        if (k.p95Ms !== undefined) a.s.p95Ms = Math.max(a.s.p95Ms ?? 0, k.p95Ms);
        if (k.p99Ms !== undefined) a.s.p99Ms = Math.max(a.s.p99Ms ?? 0, k.p99Ms);
        if (k.maxMs !== undefined) a.s.maxMs = Math.max(a.s.maxMs ?? 0, k.maxMs);
      }
    }
    const out: Record<string, KindStats> = {};
    for (const [kind, a] of acc) {
      if (a.w50 > 0) a.s.p50Ms = Math.round((a.p50 / a.w50) * 1000) / 1000;
      out[kind] = a.s;
    }
    return out;
  }

  /** Deletes rollups older than `olderThanMs` before `now` (both tiers); returns how many. */
  prune(olderThanMs: number, now: number = Date.now()): number {
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
      throw badInput(`A retention age must be zero or more milliseconds (got ${olderThanMs}).`);
    const cutoff = now - olderThanMs;
    let total = 0;
    for (const t of ["metric_rollups", "metric_rollups_hourly"]) {
      const stmt = this.#prepare(
        `DELETE FROM ${t} WHERE (profile_id, bucket) IN (SELECT profile_id, bucket FROM ${t} WHERE bucket < ? LIMIT ?)`,
      );
      for (;;) {
        const { changes } = stmt.run(t.endsWith("hourly") ? hourOf(cutoff) : cutoff, PRUNE_BATCH);
        total += changes;
        if (changes < PRUNE_BATCH) break;
      }
    }
    return total;
  }

  /** Rollups of one profile are dropped with it. */
  removeProfile(profileId: string): void {
    this.#prepare("DELETE FROM metric_rollups WHERE profile_id = ?").run(profileId);
    this.#prepare("DELETE FROM metric_rollups_hourly WHERE profile_id = ?").run(profileId);
  }

  #prepare(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }
}
