import {
  type AttemptRecord,
  CachifyError,
  type ExecutionQuery,
  type ExecutionRepository,
  type WorkflowExecutionRecord,
} from "@cachify/core";
import type Database from "better-sqlite3";
import { limitOf, MAX_LIMIT } from "./workflow-list-limit.ts";

/** Executions (one row each, the record as JSON) and every attempt of their batches. */
export class SqliteExecutionRepository implements ExecutionRepository {
  readonly #db: Database.Database;
  readonly #upsert: Database.Statement;
  readonly #get: Database.Statement<[string], { data: string }>;
  readonly #nextSeq: Database.Statement<[string], number | null>;
  readonly #insertAttempt: Database.Statement;
  readonly #appendMany: (id: string, attempts: readonly AttemptRecord[]) => void;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#upsert = db.prepare(`
      INSERT INTO workflow_executions
        (execution_id, plan_id, profile_id, status, started_at, ended_at, parent_execution_id, data)
      VALUES (@executionId, @planId, @profileId, @status, @startedAt, @endedAt, @parent, @data)
      ON CONFLICT (execution_id) DO UPDATE SET
        status = excluded.status, ended_at = excluded.ended_at, data = excluded.data`);
    this.#get = db.prepare("SELECT data FROM workflow_executions WHERE execution_id = ?");
    this.#nextSeq = db
      .prepare<[string], number | null>(
        "SELECT MAX(seq) FROM workflow_attempts WHERE execution_id = ?",
      )
      .pluck();
    this.#insertAttempt = db.prepare(
      "INSERT INTO workflow_attempts (execution_id, seq, outcome, data) VALUES (?, ?, ?, ?)",
    );
    const many = db.transaction((id: string, attempts: readonly AttemptRecord[]) => {
      let seq = (this.#nextSeq.get(id) ?? 0) + 1;
      for (const a of attempts) this.#insertAttempt.run(id, seq++, a.outcome, JSON.stringify(a));
    });
    this.#appendMany = (id, attempts) => many.immediate(id, attempts);
  }

  create(record: WorkflowExecutionRecord): void {
    if (this.#get.get(record.executionId)) {
      throw new CachifyError("conflict", `Execution ${record.executionId} already exists.`);
    }
    this.save(record);
  }

  save(r: WorkflowExecutionRecord): void {
    this.#upsert.run({
      executionId: r.executionId,
      planId: r.planId,
      profileId: r.profileId,
      status: r.status,
      startedAt: r.startedAt,
      endedAt: r.endedAt ?? null,
      parent: r.parentExecutionId ?? null,
      data: JSON.stringify(r),
    });
  }

  get(executionId: string): WorkflowExecutionRecord | undefined {
    const r = this.#get.get(executionId);
    return r ? (JSON.parse(r.data) as WorkflowExecutionRecord) : undefined;
  }

  list(query: ExecutionQuery): WorkflowExecutionRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.profileId) {
      where.push("profile_id = ?");
      params.push(query.profileId);
    }
    if (query.status) {
      where.push("status = ?");
      params.push(query.status);
    }
    if (query.beforeId) {
      const before = this.get(query.beforeId);
      if (!before) throw new CachifyError("not-found", `No execution ${query.beforeId}.`);
      where.push("(started_at < ? OR (started_at = ? AND execution_id < ?))");
      params.push(before.startedAt, before.startedAt, query.beforeId);
    }
    params.push(limitOf(query.limit, 100));
    const sql = `SELECT data FROM workflow_executions${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, execution_id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as WorkflowExecutionRecord,
    );
  }

  appendAttempts(executionId: string, attempts: readonly AttemptRecord[]): void {
    if (attempts.length > 0) this.#appendMany(executionId, attempts);
  }

  attempts(
    executionId: string,
    query: { limit?: number; errorsOnly?: boolean } = {},
  ): AttemptRecord[] {
    const limit = Math.max(1, Math.min(query.limit ?? 1000, 100_000));
    const sql = `SELECT data FROM workflow_attempts WHERE execution_id = ?${query.errorsOnly ? " AND outcome = 'error'" : ""} ORDER BY seq LIMIT ?`;
    return (this.#db.prepare(sql).all(executionId, limit) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as AttemptRecord,
    );
  }

  markInterrupted(now: number): number {
    const running = this.list({ status: "running", limit: MAX_LIMIT });
    for (const r of running) {
      r.status = "interrupted";
      r.endedAt = now;
      r.abortReason =
        "The studio stopped while this execution was running: it did not finish. Check the counts, then rerun it (a fresh dry-run shows what is left).";
      for (const s of r.steps) if (s.status === "running") s.status = "interrupted";
      this.save(r);
    }
    return running.length;
  }
}
