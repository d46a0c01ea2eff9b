import type { RestoreStatus, SnapshotQuery, SnapshotRecord, SnapshotStore } from "@cachify/core";
import type Database from "better-sqlite3";
import type { LocalCipher } from "./local-cipher.ts";

interface Row {
  snapshot_id: string;
  operation_id: string;
  execution_id: string | null;
  profile_id: string;
  key: Buffer;
  existed: number;
  captured_at: number;
  absolute_expiry_ms: number | null;
  size_bytes: number;
  operation: string;
  type: string;
  flags: number | null;
  node: string | null;
  after_digest: string | null;
  payload: Buffer | null;
  restore_status: RestoreStatus;
}

export interface SnapshotRetention {
  maxAgeMs: number;
  maxTotalBytes: number;
}

export const DEFAULT_SNAPSHOT_RETENTION: SnapshotRetention = {
  maxAgeMs: 7 * 24 * 3_600_000,
  maxTotalBytes: 1024 * 1024 * 1024,
};

/** Pre-images in SQLite, payloads encrypted. A save commits before it returns. */
export class SqliteSnapshotRepository implements SnapshotStore {
  readonly #db: Database.Database;
  readonly #insertMany: (records: SnapshotRecord[]) => void;
  readonly #setAfter: (u: { snapshotId: string; afterDigest: string }[]) => void;

  constructor(
    db: Database.Database,
    private readonly cipher: LocalCipher,
  ) {
    this.#db = db;
    const insert = db.prepare(`INSERT INTO snapshots (snapshot_id, operation_id, execution_id,
      profile_id, key, existed, captured_at, absolute_expiry_ms, size_bytes, operation, type, flags,
      node, after_digest, payload, restore_status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#insertMany = db.transaction((records: SnapshotRecord[]) => {
      for (const r of records) {
        // Positional parameters: binding by name costs a lookup per column per row.
        insert.run(
          r.snapshotId,
          r.operationId,
          r.executionId ?? null,
          r.profileId,
          Buffer.from(r.key.buffer, r.key.byteOffset, r.key.byteLength),
          r.existed ? 1 : 0,
          r.capturedAt,
          r.absoluteExpiryMs,
          r.sizeBytes,
          r.operation,
          r.type,
          r.flags ?? null,
          r.node ?? null,
          r.afterDigest ?? null,
          r.payload ? this.cipher.seal(r.payload) : null,
          r.restoreStatus,
        );
      }
    });
    const setAfter = db.prepare("UPDATE snapshots SET after_digest = ? WHERE snapshot_id = ?");
    this.#setAfter = db.transaction((u: { snapshotId: string; afterDigest: string }[]) => {
      for (const x of u) setAfter.run(x.afterDigest, x.snapshotId);
    });
  }

  saveAll(records: SnapshotRecord[]): void {
    if (records.length > 0) this.#insertMany(records);
  }

  setAfterDigests(updates: { snapshotId: string; afterDigest: string }[]): void {
    if (updates.length > 0) this.#setAfter(updates);
  }

  list(q: SnapshotQuery): SnapshotRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.profileId) {
      where.push("profile_id = ?");
      args.push(q.profileId);
    }
    if (q.executionId) {
      where.push("execution_id = ?");
      args.push(q.executionId);
    }
    if (q.operationId) {
      where.push("operation_id = ?");
      args.push(q.operationId);
    }
    if (q.key) {
      where.push("key = ?");
      args.push(Buffer.from(q.key));
    }
    if (q.snapshotIds) {
      where.push(`snapshot_id IN (${q.snapshotIds.map(() => "?").join(",") || "NULL"})`);
      args.push(...q.snapshotIds);
    }
    const limit = Math.min(Math.max(q.limit ?? 500, 1), 100_000);
    const rows = this.#db
      .prepare(
        `SELECT * FROM snapshots ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY captured_at DESC, snapshot_id DESC LIMIT ${limit}`,
      )
      .all(...args) as Row[];
    return rows.map((r) => this.fromRow(r));
  }

  markRestored(snapshotIds: string[], status: RestoreStatus): void {
    const stmt = this.#db.prepare("UPDATE snapshots SET restore_status = ? WHERE snapshot_id = ?");
    this.#db.transaction(() => {
      for (const id of snapshotIds) stmt.run(status, id);
    })();
  }

  /** Drops snapshots older than the age limit, then the oldest until under the size limit. */
  prune(retention: SnapshotRetention, now = Date.now()): number {
    let removed = this.#db
      .prepare("DELETE FROM snapshots WHERE captured_at < ?")
      .run(now - retention.maxAgeMs).changes;
    const total = (
      this.#db.prepare("SELECT COALESCE(SUM(size_bytes), 0) AS t FROM snapshots").get() as {
        t: number;
      }
    ).t;
    if (total > retention.maxTotalBytes) {
      let excess = total - retention.maxTotalBytes;
      const oldest = this.#db
        .prepare("SELECT snapshot_id, size_bytes FROM snapshots ORDER BY captured_at ASC")
        .iterate() as IterableIterator<{ snapshot_id: string; size_bytes: number }>;
      const drop: string[] = [];
      for (const r of oldest) {
        if (excess <= 0) break;
        drop.push(r.snapshot_id);
        excess -= r.size_bytes;
      }
      const del = this.#db.prepare("DELETE FROM snapshots WHERE snapshot_id = ?");
      this.#db.transaction(() => {
        for (const id of drop) del.run(id);
      })();
      removed += drop.length;
    }
    return removed;
  }

  private fromRow(r: Row): SnapshotRecord {
    const rec: SnapshotRecord = {
      snapshotId: r.snapshot_id,
      operationId: r.operation_id,
      profileId: r.profile_id,
      key: new Uint8Array(r.key),
      existed: r.existed === 1,
      capturedAt: r.captured_at,
      absoluteExpiryMs: r.absolute_expiry_ms,
      sizeBytes: r.size_bytes,
      operation: r.operation,
      type: r.type as SnapshotRecord["type"],
      restoreStatus: r.restore_status,
    };
    if (r.execution_id) rec.executionId = r.execution_id;
    if (r.flags !== null) rec.flags = r.flags;
    if (r.node) rec.node = r.node;
    if (r.after_digest) rec.afterDigest = r.after_digest;
    if (r.payload) rec.payload = this.cipher.open(r.payload);
    return rec;
  }
}
