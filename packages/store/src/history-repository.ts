import {
  badInput,
  CachifyError,
  type HistoryEvent,
  type HistoryQuery,
  type HistoryRepository,
} from "@cachify/core";
import type Database from "better-sqlite3";

export const HISTORY_DEFAULT_LIMIT = 100;
export const HISTORY_MAX_LIMIT = 1000;
/** Rows deleted per transaction by prune, so a big prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

interface EventRow {
  id: string;
  ts: number;
  source: string;
  profile_id: string | null;
  execution_id: string | null;
  data: string;
}

/** The port plus what the store adds: batch appends and retention. */
export interface StoreHistoryRepository extends HistoryRepository {
  /** Appends many events in one transaction (all or none). */
  appendMany(events: readonly HistoryEvent[]): void;
  /**
   * Deletes the events older than `olderThanMs` milliseconds before `now` (ts < now - olderThanMs)
   * and returns how many were deleted.
   */
  prune(olderThanMs: number, now?: number): number;
}

/** The unified timeline in `history_events`, read newest first: ts descending, then id. */
export class SqliteHistoryRepository implements StoreHistoryRepository {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[Record<string, unknown>]>;
  readonly #insertMany: (events: readonly HistoryEvent[]) => void;
  readonly #tsOf: Database.Statement<[string], number>;
  readonly #pruneBatch: Database.Statement<[number, number]>;
  /** One prepared statement per combination of filters, made on first use. */
  readonly #queries = new Map<string, Database.Statement<unknown[], EventRow>>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO history_events (id, ts, source, profile_id, execution_id, data)
      VALUES (@id, @ts, @source, @profileId, @executionId, @data)`);
    const many = db.transaction((events: readonly HistoryEvent[]) => {
      for (const e of events) this.#insert.run(toRow(e));
    });
    this.#insertMany = (events) => many.immediate(events);
    this.#tsOf = db.prepare<[string], number>("SELECT ts FROM history_events WHERE id = ?").pluck();
    this.#pruneBatch = db.prepare(`
      DELETE FROM history_events WHERE rowid IN
        (SELECT rowid FROM history_events WHERE ts < ? LIMIT ?)`);
  }

  append(event: HistoryEvent): void {
    this.#insert.run(toRow(event));
  }

  appendMany(events: readonly HistoryEvent[]): void {
    if (events.length > 0) this.#insertMany(events);
  }

  /** Newest first. `since` and `until` are inclusive; `beforeId` pages back from that event. */
  list(query: HistoryQuery = {}): HistoryEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.profileId !== undefined) {
      where.push("profile_id = ?");
      params.push(query.profileId);
    }
    if (query.source !== undefined) {
      where.push("source = ?");
      params.push(query.source);
    }
    // Timeline filters (schema 006 adds environment and severity as indexed virtual columns).
    for (const [column, values] of [
      ["profile_id", query.profileIds],
      ["source", query.sources],
      ["environment", query.environments],
      ["severity", query.severities],
    ] as const) {
      if (values === undefined) continue;
      if (values.length === 0) return [];
      where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
      params.push(...values);
    }
    if (query.search !== undefined && query.search.trim() !== "") {
      // Matched against the stored JSON (kind, message, keys, operation, profile name), in the
      // form it is stored in: JSON-escaped, then LIKE-escaped.
      const needle = JSON.stringify(query.search.trim())
        .slice(1, -1)
        .replace(/[\\%_]/g, "\\$&");
      where.push("data LIKE ? ESCAPE '\\'");
      params.push(`%${needle}%`);
    }
    if (query.since !== undefined) {
      where.push("ts >= ?");
      params.push(time(query.since, "since"));
    }
    if (query.until !== undefined) {
      where.push("ts <= ?");
      params.push(time(query.until, "until"));
    }
    if (query.beforeId !== undefined) {
      const ts = this.#tsOf.get(query.beforeId);
      if (ts === undefined) {
        throw new CachifyError(
          "not-found",
          `History event ${query.beforeId} is not in the history (it may have been pruned): reload the timeline from the newest events.`,
        );
      }
      // The same order as ORDER BY: strictly after (ts, id) going back in time.
      where.push("(ts < ? OR (ts = ? AND id < ?))");
      params.push(ts, ts, query.beforeId);
    }
    params.push(limitOf(query.limit));

    const sql = `SELECT id, ts, source, profile_id, execution_id, data FROM history_events${
      where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""
    } ORDER BY ts DESC, id DESC LIMIT ?`;
    let statement = this.#queries.get(sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[], EventRow>(sql);
      this.#queries.set(sql, statement);
    }
    return statement.all(...params).map(fromRow);
  }

  prune(olderThanMs: number, now: number = Date.now()): number {
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
      throw badInput(`A retention age must be zero or more milliseconds (got ${olderThanMs}).`);
    }
    const cutoff = now - olderThanMs;
    let total = 0;
    for (;;) {
      const { changes } = this.#pruneBatch.run(cutoff, PRUNE_BATCH);
      total += changes;
      if (changes < PRUNE_BATCH) return total;
    }
  }
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) return HISTORY_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw badInput(`limit must be a whole number from 1 to ${HISTORY_MAX_LIMIT} (got ${limit}).`);
  }
  return Math.min(limit, HISTORY_MAX_LIMIT);
}

function time(value: number, field: string): number {
  if (!Number.isFinite(value)) throw badInput(`${field} must be a time in milliseconds.`);
  return value;
}

function toRow(event: HistoryEvent): Record<string, unknown> {
  const { id, ts, source, profileId, executionId, ...rest } = event;
  return {
    id,
    ts,
    source,
    profileId: profileId ?? null,
    executionId: executionId ?? null,
    data: JSON.stringify(rest),
  };
}

function fromRow(row: EventRow): HistoryEvent {
  const rest = JSON.parse(row.data) as Omit<
    HistoryEvent,
    "id" | "ts" | "source" | "profileId" | "executionId"
  >;
  return {
    id: row.id,
    ts: row.ts,
    source: row.source as HistoryEvent["source"],
    ...(row.profile_id === null ? {} : { profileId: row.profile_id }),
    ...rest,
    ...(row.execution_id === null ? {} : { executionId: row.execution_id }),
  };
}
