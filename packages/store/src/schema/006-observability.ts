import type { Migration } from "./migration.ts";

/** The columns of a rollup row (1-minute and 1-hour tables alike). */
const ROLLUP_COLUMNS = `
  profile_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  environment TEXT NOT NULL,
  polls INTEGER NOT NULL,
  up_polls INTEGER NOT NULL,
  ping_avg REAL,
  ping_max REAL,
  health INTEGER,
  clients INTEGER,
  blocked INTEGER,
  used_memory INTEGER,
  max_memory INTEGER,
  keys INTEGER,
  ops_per_sec REAL,
  rejected INTEGER NOT NULL,
  evicted INTEGER NOT NULL,
  expired INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  misses INTEGER NOT NULL,
  engine_errors INTEGER NOT NULL,
  repl_down INTEGER NOT NULL,
  app_ops INTEGER NOT NULL,
  app_errors INTEGER NOT NULL,
  app_p50 REAL,
  app_p95 REAL,
  app_p99 REAL,
  app_max REAL,
  app_kinds TEXT,
  PRIMARY KEY (profile_id, bucket)`;

/**
 * Observability (issue 7): metric rollups in 1-minute buckets (kept for the retention window) and
 * 1-hour buckets (long ranges read these), alert rules with their per-profile state, the stored
 * notifications of the notification centre, the collector's settings and per-profile switch.
 * The timeline's filters (environment, severity), the engine events' dedupe key and the slow
 * operation panel read fields of the shared history table: virtual columns over its JSON, so the
 * history repository writes rows exactly as before. Owned by the observability collector;
 * unreleased, so it may still change shape until the first release.
 */
export const observabilityMigration: Migration = {
  version: 6,
  name: "observability",
  up(db) {
    db.exec(`
      CREATE TABLE metric_rollups (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE INDEX metric_rollups_bucket ON metric_rollups (bucket);
      CREATE TABLE metric_rollups_hourly (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE INDEX metric_rollups_hourly_bucket ON metric_rollups_hourly (bucket);

      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE alert_states (
        rule_id TEXT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
        profile_id TEXT NOT NULL,
        state TEXT NOT NULL,
        since INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (rule_id, profile_id)
      );
      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        rule_id TEXT,
        profile_id TEXT,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        read_at INTEGER
      );
      CREATE INDEX notifications_ts ON notifications (ts);

      CREATE TABLE observability_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE observability_watch (
        profile_id TEXT PRIMARY KEY,
        watched INTEGER NOT NULL
      );

      ALTER TABLE history_events ADD COLUMN environment TEXT
        GENERATED ALWAYS AS (json_extract(data, '$.environment')) VIRTUAL;
      ALTER TABLE history_events ADD COLUMN severity TEXT
        GENERATED ALWAYS AS (json_extract(data, '$.severity')) VIRTUAL;
      ALTER TABLE history_events ADD COLUMN dedupe_key TEXT
        GENERATED ALWAYS AS (json_extract(data, '$.dedupeKey')) VIRTUAL;
      ALTER TABLE history_events ADD COLUMN duration_ms REAL
        GENERATED ALWAYS AS (json_extract(data, '$.durationMs')) VIRTUAL;
      CREATE INDEX history_events_environment ON history_events (environment, ts, id);
      CREATE INDEX history_events_severity ON history_events (severity, ts, id);
      CREATE INDEX history_events_dedupe ON history_events (dedupe_key)
        WHERE dedupe_key IS NOT NULL;
      CREATE INDEX history_events_duration ON history_events (source, duration_ms, ts)
        WHERE duration_ms IS NOT NULL;
    `);
  },
};
