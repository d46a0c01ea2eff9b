import type { Migration } from "../migrations.ts";

/**
 * Key-level pre-images written before a mutation is sent (contracts.md SnapshotRecord). Owned by
 * the snapshot stage; unreleased, so it may still change shape until the first release.
 */
export const snapshotsMigration: Migration = {
  version: 5,
  name: "snapshots",
  up(db) {
    db.exec(`
      CREATE TABLE snapshots (
        snapshot_id TEXT PRIMARY KEY,
        execution_id TEXT,
        profile_id TEXT NOT NULL,
        key BLOB NOT NULL,
        existed INTEGER NOT NULL,
        captured_at INTEGER NOT NULL,
        absolute_expiry_ms INTEGER,
        size_bytes INTEGER NOT NULL,
        payload BLOB,
        restore_status TEXT NOT NULL DEFAULT 'available'
      );
      CREATE INDEX snapshots_execution ON snapshots (execution_id) WHERE execution_id IS NOT NULL;
      CREATE INDEX snapshots_profile_key ON snapshots (profile_id, key, captured_at);
      CREATE INDEX snapshots_captured ON snapshots (captured_at);
    `);
  },
};
