import type { ValueType } from "@cachify/core";
import { encodeManifest } from "../snapshot-manifest.ts";
import type { Migration } from "./migration.ts";

interface OldRow {
  operation_id: string;
  execution_id: string | null;
  profile_id: string;
  key: Buffer;
  existed: number;
  captured_at: number;
  absolute_expiry_ms: number | null;
  size_bytes: number;
  operation: string;
  type: ValueType;
  flags: number | null;
  node: string | null;
  after_digest: string | null;
  payload: Buffer | null;
  restore_status: string;
}

/** AES-GCM adds a 12-byte IV and a 16-byte tag to what it seals (local-cipher.ts). */
const SEAL_OVERHEAD = 28;

/**
 * Pre-images saved per batch: one row per operation or workflow batch holds the sealed payloads of
 * all its keys (one encryption, one blob) and a clear manifest of its keys (snapshot-manifest.ts);
 * what changes later per key (after-state read back, restore status) goes to a sparse table.
 * Version 5 kept a row per key with its own sealed payload and four indexes: writing them cost
 * more than the delete they guarded. Old rows become one-key batches, their sealed payload kept.
 */
export const snapshotBatchesMigration: Migration = {
  version: 7,
  name: "snapshot batches",
  up(db) {
    db.exec(`
      CREATE TABLE snapshot_batches (
        batch_id INTEGER PRIMARY KEY,
        operation_id TEXT NOT NULL,
        execution_id TEXT,
        profile_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        captured_at INTEGER NOT NULL,
        keys INTEGER NOT NULL,
        size_bytes INTEGER NOT NULL,
        manifest BLOB NOT NULL,
        payload BLOB
      );
      CREATE INDEX snapshot_batches_operation ON snapshot_batches (operation_id);
      CREATE INDEX snapshot_batches_execution ON snapshot_batches (execution_id)
        WHERE execution_id IS NOT NULL;
      CREATE INDEX snapshot_batches_captured ON snapshot_batches (captured_at);
      CREATE TABLE snapshot_state (
        batch_id INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        after_digest TEXT,
        restore_status TEXT,
        PRIMARY KEY (batch_id, idx)
      ) WITHOUT ROWID;
    `);
    const rows = db
      .prepare("SELECT * FROM snapshots ORDER BY captured_at, snapshot_id")
      .all() as OldRow[];
    const batch = db.prepare(`INSERT INTO snapshot_batches (operation_id, execution_id, profile_id,
      operation, captured_at, keys, size_bytes, manifest, payload) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`);
    const state = db.prepare(
      "INSERT INTO snapshot_state (batch_id, idx, restore_status) VALUES (?, 0, ?)",
    );
    for (const r of rows) {
      const sealed = r.payload;
      const manifest = encodeManifest([
        {
          key: r.key,
          existed: r.existed === 1,
          type: r.type,
          absoluteExpiryMs: r.absolute_expiry_ms,
          sizeBytes: r.size_bytes,
          // The old payload was sealed on its own: it is this one-key batch's blob unchanged.
          ...(sealed ? { payload: new Uint8Array(sealed.length - SEAL_OVERHEAD) } : {}),
          ...(r.flags !== null ? { flags: r.flags } : {}),
          ...(r.node ? { node: r.node } : {}),
          ...(r.after_digest ? { afterDigest: r.after_digest } : {}),
        },
      ]);
      const id = batch.run(
        r.operation_id,
        r.execution_id,
        r.profile_id,
        r.operation,
        r.captured_at,
        r.size_bytes,
        manifest,
        sealed,
      ).lastInsertRowid;
      if (r.restore_status !== "available") state.run(id, r.restore_status);
    }
    db.exec("DROP TABLE snapshots");
  },
};
