import {
  badInput,
  type HistoryEvent,
  type HistorySource,
  type SlowestQuery,
  type TimelineQueries,
} from "@cachify/core";
import type Database from "better-sqlite3";

const NARROW_RANGE_MS = 6 * 3_600_000;

interface EventRow {
  id: string;
  ts: number;
  source: string;
  profile_id: string | null;
  execution_id: string | null;
  data: string;
}

export type { SlowestQuery };

/**
 * What observability reads from the shared timeline table beyond the history repository's list:
 * whether an engine event was already recorded (its dedupe key), and the slowest events of a
 * source over a range (the slow operation panel). Read-only: events are written by the history
 * feed like every other event.
 */
export class SqliteTimelineQueries implements TimelineQueries {
  readonly #db: Database.Database;
  readonly #hasKey: Database.Statement<[string], number>;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#hasKey = db
      .prepare<[string], number>("SELECT 1 FROM history_events WHERE dedupe_key = ? LIMIT 1")
      .pluck();
  }

  hasDedupeKey(key: string): boolean {
    return this.#hasKey.get(key) !== undefined;
  }

  /** The slowest events of one source in [from, to], slowest first. */
  slowest(q: SlowestQuery): HistoryEvent[] {
    const limit = q.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badInput("limit must be a whole number from 1 to 500.");
    const params: unknown[] = [q.source, q.from, q.to];
    let where = "source = ? AND duration_ms IS NOT NULL AND ts >= ? AND ts <= ?";
    if (q.profileIds) {
      if (q.profileIds.length === 0) return [];
      where += ` AND profile_id IN (${q.profileIds.map(() => "?").join(", ")})`;
      params.push(...q.profileIds);
    }
    params.push(limit);
    // A wide range walks the (source, duration_ms, ts) index from the slowest down: the first rows
    // in range win. A narrow one reads its few rows off the (source, ts) index and sorts them.
    const index =
      q.to - q.from > NARROW_RANGE_MS ? "history_events_duration" : "history_events_source";
    const sql = `SELECT id, ts, source, profile_id, execution_id, data FROM history_events
      INDEXED BY ${index} WHERE ${where} ORDER BY duration_ms DESC LIMIT ?`;
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return (stmt.all(...params) as EventRow[]).map((row) => {
      const rest = JSON.parse(row.data) as Omit<HistoryEvent, "id" | "ts" | "source">;
      const e: HistoryEvent = {
        id: row.id,
        ts: row.ts,
        source: row.source as HistorySource,
        ...rest,
      };
      if (row.profile_id !== null) e.profileId = row.profile_id;
      if (row.execution_id !== null) e.executionId = row.execution_id;
      return e;
    });
  }
}
