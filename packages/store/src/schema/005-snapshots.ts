import type { Migration } from "./migration.ts";

/**
 * Key-level pre-images written before a mutation is sent (SnapshotRecord,
 * docs/design/contracts.md#snapshots). The payload column holds the engine bytes encrypted
 * (AES-256-GCM: iv | tag | ciphertext).
 */
export const snapshotsMigration: Migration = {
  version: 5,
  name: "snapshots",
  up(db) {
    db.exec(`
      CREATE TABLE snapshots (
        snapshot_id TEXT PRIMARY KEY,
        operation_id TEXT NOT NULL,
        execution_id TEXT,
        profile_id TEXT NOT NULL,
        key BLOB NOT NULL,
        existed INTEGER NOT NULL,
        captured_at INTEGER NOT NULL,
        absolute_expiry_ms INTEGER,
        size_bytes INTEGER NOT NULL,
        operation TEXT NOT NULL,
        type TEXT NOT NULL,
        flags INTEGER,
        node TEXT,
        after_digest TEXT,
        payload BLOB,
        restore_status TEXT NOT NULL DEFAULT 'available'
      );
      CREATE INDEX snapshots_operation ON snapshots (operation_id);
      CREATE INDEX snapshots_execution ON snapshots (execution_id) WHERE execution_id IS NOT NULL;
      CREATE INDEX snapshots_profile_key ON snapshots (profile_id, key, captured_at);
      CREATE INDEX snapshots_captured ON snapshots (captured_at);
    `);
  },
};
