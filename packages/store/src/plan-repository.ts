import {
  CachifyError,
  type PlanItem,
  type PlanItemWriter,
  type PlanRecord,
  type PlanRepository,
} from "@cachify/core";
import type Database from "better-sqlite3";
import { type LocalCipher, openText, sealText } from "./local-cipher.ts";
import { CHUNK_ITEMS, decodeChunk, encodeChunk } from "./plan-codec.ts";
import { limitOf } from "./workflow-list-limit.ts";

type ChunkRow = { planId: string; chunk: number; count: number; items: Uint8Array; sealed: number };
type PlanRow = { data: string; applied_by: string | null };

/**
 * Plans and their keys. Keys are stored in chunks of CHUNK_ITEMS, written as the scan streams.
 * Plan records (their params may hold inline warm-up entries) and chunks holding values are
 * sealed like snapshot payloads (AES-256-GCM, the data folder's key): no value sits in the
 * database or its WAL in clear.
 */
export class SqlitePlanRepository implements PlanRepository {
  readonly #db: Database.Database;
  readonly #cipher: LocalCipher;
  readonly #insert: Database.Statement;
  readonly #update: Database.Statement;
  readonly #get: Database.Statement<[string], PlanRow>;
  readonly #chunks: Database.Statement<
    [string, number, number],
    { chunk: number; items: Buffer; sealed: number }
  >;
  readonly #insertChunk: Database.Statement;
  readonly #insertChunks: (rows: ChunkRow[]) => void;
  readonly #claim: Database.Statement<[string, string]>;
  readonly #release: Database.Statement<[string, string]>;

  constructor(db: Database.Database, cipher: LocalCipher) {
    this.#db = db;
    this.#cipher = cipher;
    this.#insert = db.prepare(
      "INSERT INTO workflow_plans (plan_id, profile_id, builtin, status, created_at, data) VALUES (@planId, @profileId, @builtin, @status, @createdAt, @data)",
    );
    this.#update = db.prepare(
      "UPDATE workflow_plans SET status = @status, data = @data WHERE plan_id = @planId",
    );
    this.#get = db.prepare("SELECT data, applied_by FROM workflow_plans WHERE plan_id = ?");
    this.#chunks = db.prepare(
      "SELECT chunk, items, sealed FROM workflow_plan_chunks WHERE plan_id = ? AND chunk BETWEEN ? AND ? ORDER BY chunk",
    );
    this.#insertChunk = db.prepare(
      "INSERT OR REPLACE INTO workflow_plan_chunks (plan_id, chunk, count, items, sealed) VALUES (@planId, @chunk, @count, @items, @sealed)",
    );
    const many = db.transaction((rows: ChunkRow[]) => {
      for (const r of rows) this.#insertChunk.run(r);
    });
    this.#insertChunks = (rows) => many.immediate(rows);
    // One conditional UPDATE: SQLite serialises writers, so of any number of claims (in this
    // process or another on the same file) exactly one changes the row.
    this.#claim = db.prepare(
      "UPDATE workflow_plans SET applied_by = ? WHERE plan_id = ? AND applied_by IS NULL",
    );
    this.#release = db.prepare(
      "UPDATE workflow_plans SET applied_by = NULL WHERE plan_id = ? AND applied_by = ?",
    );
  }

  create(plan: PlanRecord): void {
    this.#insert.run(this.#row(plan));
  }

  save(plan: PlanRecord): void {
    this.#update.run(this.#row(plan));
  }

  get(planId: string): PlanRecord | undefined {
    const r = this.#get.get(planId);
    return r ? this.#record(r) : undefined;
  }

  claim(planId: string, executionId: string): { claimed: true } | { claimed: false; by: string } {
    if (this.#claim.run(executionId, planId).changes === 1) return { claimed: true };
    const r = this.#get.get(planId);
    if (!r) throw new CachifyError("not-found", `No plan ${planId}: make a dry-run first.`);
    return { claimed: false, by: r.applied_by ?? "" };
  }

  release(planId: string, executionId: string): void {
    this.#release.run(planId, executionId);
  }

  #row(plan: PlanRecord) {
    return {
      planId: plan.planId,
      profileId: plan.profileId,
      builtin: plan.template.builtin,
      status: plan.status,
      createdAt: plan.createdAt,
      data: sealText(this.#cipher, JSON.stringify(plan)),
    };
  }

  /** The stored record; the claim column, not the JSON, says which execution ran it. */
  #record(r: PlanRow): PlanRecord {
    const plan = JSON.parse(openText(this.#cipher, r.data)) as PlanRecord;
    if (r.applied_by) plan.executionId = r.applied_by;
    return plan;
  }

  list(query: { profileId?: string; limit?: number }): PlanRecord[] {
    const limit = limitOf(query.limit, 50);
    const rows = (
      query.profileId
        ? this.#db
            .prepare(
              "SELECT data, applied_by FROM workflow_plans WHERE profile_id = ? ORDER BY created_at DESC, plan_id DESC LIMIT ?",
            )
            .all(query.profileId, limit)
        : this.#db
            .prepare(
              "SELECT data, applied_by FROM workflow_plans ORDER BY created_at DESC, plan_id DESC LIMIT ?",
            )
            .all(limit)
    ) as PlanRow[];
    return rows.map((r) => this.#record(r));
  }

  writer(planId: string): PlanItemWriter {
    let pending: PlanItem[] = [];
    let chunk = 0;
    let written = 0;
    type Row = ChunkRow;
    const cipher = this.#cipher;
    const rowOf = (part: readonly PlanItem[]): Row => {
      const items = encodeChunk(part);
      // Warm-up values are sealed; keys alone (deletes, TTL changes) stay as they are.
      const sealed = part.some((i) => i.value !== undefined);
      return {
        planId,
        chunk: chunk++,
        count: part.length,
        items: sealed ? cipher.seal(items) : items,
        sealed: sealed ? 1 : 0,
      };
    };
    const insert = (rows: Row[]) => {
      if (rows.length === 0) return;
      this.#insertChunks(rows);
      for (const r of rows) written += r.count;
    };
    const write = (final: boolean) => {
      const rows: Row[] = [];
      while (pending.length >= CHUNK_ITEMS || (final && pending.length > 0)) {
        rows.push(rowOf(pending.length > CHUNK_ITEMS ? pending.slice(0, CHUNK_ITEMS) : pending));
        pending = pending.length > CHUNK_ITEMS ? pending.slice(CHUNK_ITEMS) : [];
      }
      insert(rows);
    };
    return {
      append(items) {
        // Full chunks straight from `items` (a page of 10,000 keys is not copied item by item);
        // only the start that completes the pending chunk and the tail are held back.
        const rows: Row[] = [];
        let from = 0;
        if (pending.length > 0) {
          const need = Math.min(CHUNK_ITEMS - pending.length, items.length);
          for (let i = 0; i < need; i++) pending.push(items[i]!);
          from = need;
          if (pending.length === CHUNK_ITEMS) {
            rows.push(rowOf(pending));
            pending = [];
          }
        }
        for (; items.length - from >= CHUNK_ITEMS; from += CHUNK_ITEMS) {
          rows.push(rowOf(items.slice(from, from + CHUNK_ITEMS)));
        }
        for (let i = from; i < items.length; i++) pending.push(items[i]!);
        insert(rows);
      },
      flush() {
        write(true);
      },
      get written() {
        return written;
      },
    };
  }

  items(planId: string, offset: number, limit: number): PlanItem[] {
    if (limit <= 0 || offset < 0) return [];
    const first = Math.floor(offset / CHUNK_ITEMS);
    const last = Math.floor((offset + limit - 1) / CHUNK_ITEMS);
    const out: PlanItem[] = [];
    for (const r of this.#chunks.all(planId, first, last)) {
      const items = decodeChunk(r.sealed ? this.#cipher.open(r.items) : r.items);
      const base = r.chunk * CHUNK_ITEMS;
      const from = Math.max(0, offset - base);
      const to = Math.min(items.length, offset + limit - base);
      for (let i = from; i < to; i++) out.push(items[i]!);
    }
    return out;
  }

  purgeItems(before: number): number {
    const plans = this.#db
      .prepare(
        "SELECT plan_id FROM workflow_plans WHERE created_at < ? AND plan_id IN (SELECT DISTINCT plan_id FROM workflow_plan_chunks)",
      )
      .pluck()
      .all(before) as string[];
    let total = 0;
    const del = this.#db.prepare("DELETE FROM workflow_plan_chunks WHERE plan_id = ?");
    for (const id of plans) total += del.run(id).changes;
    return total;
  }
}
