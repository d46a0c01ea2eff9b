import {
  badInput,
  type RestoreStatus,
  type SnapshotBatch,
  type SnapshotPruner,
  type SnapshotQuery,
  type SnapshotRecord,
  type SnapshotRetention,
  type SnapshotStore,
} from "@cachify/core";
import type Database from "better-sqlite3";
import type { LocalCipher } from "./local-cipher.ts";
import { decodeManifest, encodeManifest, type ManifestItem } from "./snapshot-manifest.ts";

export type { SnapshotRetention };

interface BatchRow {
  batch_id: number;
  operation_id: string;
  execution_id: string | null;
  profile_id: string;
  operation: string;
  captured_at: number;
  manifest: Buffer;
}

interface StateRow {
  idx: number;
  after_digest: string | null;
  restore_status: RestoreStatus | null;
}

/** A snapshot's id names its batch and its place in it: `snap-<batch>-<index>`. */
const snapshotId = (batch: number | bigint, idx: number) => `snap-${batch}-${idx}`;

function parseId(id: string): [batch: number, idx: number] {
  const m = /^snap-(\d{1,15})-(\d{1,9})$/.exec(id);
  if (!m) throw badInput(`"${id}" is not a snapshot id (they look like snap-12-0).`);
  return [Number(m[1]), Number(m[2])];
}

const BATCH_COLUMNS =
  "batch_id, operation_id, execution_id, profile_id, operation, captured_at, manifest";

/**
 * Pre-images in SQLite (schema 007): per batch one row with a clear manifest of its keys and all
 * their payloads sealed together; later per-key changes (after-state, restore status) in a sparse
 * table. A save is one row in one transaction, committed (WAL) before it returns, so a crash of
 * the studio right after it cannot lose it.
 */
export class SqliteSnapshotRepository implements SnapshotStore, SnapshotPruner {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #payload: Database.Statement;
  readonly #states: Database.Statement;
  readonly #batch: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly cipher: LocalCipher,
  ) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT INTO snapshot_batches (operation_id, execution_id,
      profile_id, operation, captured_at, keys, size_bytes, manifest, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#payload = db.prepare("SELECT payload FROM snapshot_batches WHERE batch_id = ?").pluck();
    this.#states = db.prepare(
      "SELECT idx, after_digest, restore_status FROM snapshot_state WHERE batch_id = ?",
    );
    this.#batch = db.prepare(`SELECT ${BATCH_COLUMNS} FROM snapshot_batches WHERE batch_id = ?`);
  }

  saveBatch(batch: SnapshotBatch): string[] {
    const entries = batch.entries;
    if (entries.length === 0) return [];
    let bytes = 0;
    let size = 0;
    for (const e of entries) {
      bytes += e.payload?.length ?? 0;
      size += e.sizeBytes;
    }
    const plain = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (const e of entries) {
      if (!e.payload) continue;
      plain.set(e.payload, at);
      at += e.payload.length;
    }
    const id = this.#insert.run(
      batch.operationId,
      batch.executionId ?? null,
      batch.profileId,
      batch.operation,
      batch.capturedAt,
      entries.length,
      size,
      encodeManifest(entries),
      bytes > 0 ? this.cipher.seal(plain) : null,
    ).lastInsertRowid;
    return entries.map((_, i) => snapshotId(id, i));
  }

  setAfterDigests(updates: { snapshotId: string; afterDigest: string }[]): void {
    this.upsertState(
      `INSERT INTO snapshot_state (batch_id, idx, after_digest) VALUES (?, ?, ?)
       ON CONFLICT (batch_id, idx) DO UPDATE SET after_digest = excluded.after_digest`,
      updates.map((u) => [u.snapshotId, u.afterDigest]),
    );
  }

  markRestored(snapshotIds: string[], status: RestoreStatus): void {
    this.upsertState(
      `INSERT INTO snapshot_state (batch_id, idx, restore_status) VALUES (?, ?, ?)
       ON CONFLICT (batch_id, idx) DO UPDATE SET restore_status = excluded.restore_status`,
      snapshotIds.map((id) => [id, status]),
    );
  }

  private upsertState(sql: string, updates: [id: string, value: string][]): void {
    if (updates.length === 0) return;
    const stmt = this.#db.prepare(sql);
    const parsed = updates.map(([id, value]) => [...parseId(id), value] as const);
    this.#db.transaction(() => {
      for (const [batch, idx, value] of parsed) stmt.run(batch, idx, value);
    })();
  }

  /**
   * Newest first. By snapshot ids: only their batches are read. By key: batches are searched
   * newest first with a byte search of their manifests, decoding only the ones that hold it.
   */
  list(q: SnapshotQuery): SnapshotRecord[] {
    const limit = Math.min(Math.max(q.limit ?? 500, 1), 100_000);
    const out: SnapshotRecord[] = [];
    for (const batch of this.records(q)) {
      for (const r of batch) {
        out.push(r);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * Every matching snapshot, newest first, in pages of about `size` (a batch is never split, so a
   * page can be larger): what a rollback of a million-key execution walks, a page at a time.
   */
  *pages(q: Omit<SnapshotQuery, "limit">, size: number): Generator<SnapshotRecord[]> {
    let page: SnapshotRecord[] = [];
    for (const batch of this.records(q)) {
      page.push(...batch);
      if (page.length >= size) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** How many key snapshots an execution or an operation left (for progress), without reading them. */
  count(q: { executionId?: string; operationId?: string }): number {
    const [column, value] =
      q.executionId !== undefined
        ? ["execution_id", q.executionId]
        : ["operation_id", q.operationId ?? ""];
    return this.#db
      .prepare(`SELECT COALESCE(SUM(keys), 0) FROM snapshot_batches WHERE ${column} = ?`)
      .pluck()
      .get(value) as number;
  }

  /** The matching snapshots of each batch, newest batch first and newest first within it. */
  private *records(q: SnapshotQuery): Generator<SnapshotRecord[]> {
    const wanted = q.snapshotIds ? groupIds(q.snapshotIds) : undefined;
    const key = q.key ? Buffer.from(q.key.buffer, q.key.byteOffset, q.key.byteLength) : undefined;
    for (const b of this.batches(q, wanted)) {
      if (key && b.manifest.indexOf(key, 1) < 0) continue;
      const items = decodeManifest(b.manifest, wanted?.get(b.batch_id));
      // Newest first within a batch too: the last key of a batch was captured last.
      const indexes = [...items.keys()].sort((x, y) => y - x);
      const out: SnapshotRecord[] = [];
      let states: Map<number, StateRow> | undefined;
      let plain: Buffer | null | undefined;
      for (const i of indexes) {
        const item = items.get(i)!;
        if (key && !key.equals(item.key)) continue;
        states ??= new Map(
          (this.#states.all(b.batch_id) as StateRow[]).map((s) => [s.idx, s] as const),
        );
        if (item.payload && plain === undefined) {
          const sealed = this.#payload.get(b.batch_id) as Buffer | null;
          plain = sealed ? this.cipher.open(sealed) : null;
        }
        out.push(toRecord(b, i, item, states.get(i), plain ?? null));
      }
      if (out.length > 0) yield out;
    }
  }

  private *batches(
    q: SnapshotQuery,
    wanted: Map<number, Set<number>> | undefined,
  ): Generator<BatchRow> {
    if (wanted) {
      const rows: BatchRow[] = [];
      for (const id of wanted.keys()) {
        const r = this.#batch.get(id) as BatchRow | undefined;
        if (r && matches(r, q)) rows.push(r);
      }
      rows.sort((a, b) => b.captured_at - a.captured_at || b.batch_id - a.batch_id);
      yield* rows;
      return;
    }
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [column, value] of [
      ["profile_id", q.profileId],
      ["execution_id", q.executionId],
      ["operation_id", q.operationId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    // Ids first, then each batch: no statement is left open while the caller works between
    // batches (a rollback writes to this database as it goes).
    const ids = this.#db
      .prepare(
        `SELECT batch_id FROM snapshot_batches ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY captured_at DESC, batch_id DESC`,
      )
      .pluck()
      .all(...args) as number[];
    for (const id of ids) {
      const r = this.#batch.get(id) as BatchRow | undefined;
      if (r) yield r;
    }
  }

  /** Drops batches older than the age limit, then the oldest until under the size limit. */
  prune(retention: SnapshotRetention, now = Date.now()): number {
    const old = this.#db
      .prepare("SELECT batch_id, keys FROM snapshot_batches WHERE captured_at < ?")
      .all(now - retention.maxAgeMs) as { batch_id: number; keys: number }[];
    let removed = this.drop(old);
    const total = this.#db
      .prepare("SELECT COALESCE(SUM(size_bytes), 0) FROM snapshot_batches")
      .pluck()
      .get() as number;
    if (total > retention.maxTotalBytes) {
      let excess = total - retention.maxTotalBytes;
      const oldest = this.#db
        .prepare(
          "SELECT batch_id, keys, size_bytes FROM snapshot_batches ORDER BY captured_at, batch_id",
        )
        .iterate() as IterableIterator<{ batch_id: number; keys: number; size_bytes: number }>;
      const drop: { batch_id: number; keys: number }[] = [];
      for (const r of oldest) {
        if (excess <= 0) break;
        drop.push(r);
        excess -= r.size_bytes;
      }
      removed += this.drop(drop);
    }
    return removed;
  }

  /** Deletes whole batches; returns how many key snapshots went with them. */
  private drop(batches: { batch_id: number; keys: number }[]): number {
    const state = this.#db.prepare("DELETE FROM snapshot_state WHERE batch_id = ?");
    const batch = this.#db.prepare("DELETE FROM snapshot_batches WHERE batch_id = ?");
    let removed = 0;
    this.#db.transaction(() => {
      for (const b of batches) {
        state.run(b.batch_id);
        batch.run(b.batch_id);
        removed += b.keys;
      }
    })();
    return removed;
  }
}

function groupIds(ids: string[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const id of ids) {
    const [batch, idx] = parseId(id);
    const s = out.get(batch);
    if (s) s.add(idx);
    else out.set(batch, new Set([idx]));
  }
  return out;
}

function matches(r: BatchRow, q: SnapshotQuery): boolean {
  return (
    (q.profileId === undefined || r.profile_id === q.profileId) &&
    (q.executionId === undefined || r.execution_id === q.executionId) &&
    (q.operationId === undefined || r.operation_id === q.operationId)
  );
}

function toRecord(
  b: BatchRow,
  idx: number,
  item: ManifestItem,
  state: StateRow | undefined,
  plain: Buffer | null,
): SnapshotRecord {
  const rec: SnapshotRecord = {
    snapshotId: snapshotId(b.batch_id, idx),
    operationId: b.operation_id,
    profileId: b.profile_id,
    key: item.key,
    existed: item.existed,
    capturedAt: b.captured_at,
    absoluteExpiryMs: item.absoluteExpiryMs,
    sizeBytes: item.sizeBytes,
    operation: b.operation,
    type: item.type,
    restoreStatus: state?.restore_status ?? "available",
  };
  if (b.execution_id) rec.executionId = b.execution_id;
  if (item.flags !== undefined) rec.flags = item.flags;
  if (item.node) rec.node = item.node;
  const after = state?.after_digest ?? item.afterDigest;
  if (after) rec.afterDigest = after;
  if (item.payload && plain) {
    rec.payload = plain.subarray(item.payload.at, item.payload.at + item.payload.length);
  }
  return rec;
}
