import type { Migration } from "../migrations.ts";

/**
 * Metric rollups (1-minute buckets) and alert rules with their state. Owned by the observability
 * collector; unreleased, so it may still change shape until the first release.
 */
export const observabilityMigration: Migration = {
  version: 6,
  name: "observability",
  up(db) {
    db.exec(`
      CREATE TABLE metric_rollups (
        profile_id TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (profile_id, bucket)
      );
      CREATE INDEX metric_rollups_bucket ON metric_rollups (bucket);
      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'normal',
        state_since INTEGER,
        last_notified_at INTEGER
      );
    `);
  },
};
