import type {
  AttemptRecord,
  ExecutionStatus,
  PlanItem,
  PlanRecord,
  SavedTemplate,
  WorkflowExecutionRecord,
} from "./types.ts";

/** Appends a plan's items in order; `flush` writes what is pending (the last, partial chunk). */
export interface PlanItemWriter {
  append(items: readonly PlanItem[]): void;
  flush(): void;
  /** Items made durable so far (readable by `items`). */
  readonly written: number;
}

/** Plans (dry-runs) and their keys, stored so a preview of millions of keys pages from disk. */
export interface PlanRepository {
  create(plan: PlanRecord): void;
  save(plan: PlanRecord): void;
  get(planId: string): PlanRecord | undefined;
  list(query: { profileId?: string; limit?: number }): PlanRecord[];
  writer(planId: string): PlanItemWriter;
  /** Items [offset, offset + limit) in plan order. */
  items(planId: string, offset: number, limit: number): PlanItem[];
  /** Drops the stored keys of plans created before `before` (their records stay for history). */
  purgeItems(before: number): number;
  /**
   * Claims the plan for one execution, atomically for every process sharing the store: the first
   * caller gets it; any other learns which execution did.
   */
  claim(planId: string, executionId: string): { claimed: true } | { claimed: false; by: string };
  /** Gives a claim back (its execution could not start). */
  release(planId: string, executionId: string): void;
}

export interface ExecutionQuery {
  profileId?: string;
  status?: ExecutionStatus;
  limit?: number;
  /** Executions started before this one (paging back). */
  beforeId?: string;
}

export interface ExecutionRepository {
  create(record: WorkflowExecutionRecord): void;
  save(record: WorkflowExecutionRecord): void;
  get(executionId: string): WorkflowExecutionRecord | undefined;
  list(query: ExecutionQuery): WorkflowExecutionRecord[];
  appendAttempts(executionId: string, attempts: readonly AttemptRecord[]): void;
  attempts(executionId: string, query?: { limit?: number; errorsOnly?: boolean }): AttemptRecord[];
  /** Marks executions still `running` (a studio that stopped mid-way) as interrupted. */
  markInterrupted(now: number): number;
}

export interface SavedTemplateRepository {
  list(): SavedTemplate[];
  get(idOrName: string): SavedTemplate | undefined;
  /** Inserts or replaces; a name taken by another template is a conflict. */
  save(t: SavedTemplate): void;
  remove(id: string): boolean;
}

/** What rolls an execution back (the snapshot service); absent: rollback is not available. */
export interface WorkflowRollbackPort {
  /**
   * Runs inside the execution's still-open approval (`execution`): the plan's confirmation covers
   * its own rollback, so no confirmation is made up for it.
   */
  rollbackExecution(
    executionId: string,
    profileId: string,
    execution: { executionId: string; planId: string },
  ): Promise<{ restored: number; skipped: number; failed: number; message?: string }>;
}
