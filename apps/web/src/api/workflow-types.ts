import type {
  AttemptRecord,
  BuiltinId,
  Environment,
  ExecutionStatus,
  ParamChange,
  ParamDescriptor,
  PlanStatus,
  RollbackCoverage,
  StepRecord,
  ValueType,
  WorkflowExecutionPolicy,
} from "@cachify/core";

// ---------- workflows and rollback (docs/api.md, "Workflows") ----------

/** GET /api/workflows/templates: a built-in (with its param descriptors) or a saved preset. */
export type WorkflowTemplate =
  | {
      id: BuiltinId;
      name: BuiltinId;
      title: string;
      builtin: BuiltinId;
      version: number;
      saved: false;
      description: string;
      destructive: boolean;
      params: ParamDescriptor[];
      engines: { redis: string; memcached: string };
    }
  | SavedWorkflowTemplate;

export interface SavedWorkflowTemplate {
  id: string;
  name: string;
  builtin: BuiltinId;
  version: number;
  saved: true;
  params: Record<string, unknown>;
  policy?: Record<string, unknown>;
  description?: string;
  createdAt: number;
  updatedAt: number;
}

export interface NewTemplateInput {
  name: string;
  builtin?: BuiltinId;
  params?: Record<string, unknown>;
  policy?: Record<string, unknown>;
  description?: string;
  replace?: boolean;
}

/** One planned key as read live for the page. `ttl`/`ttlAfter` in seconds (-1 none, -2 missing). */
export interface PlanItem {
  key: string;
  keyBase64: string;
  type: ValueType | "none" | "unknown";
  ttl: number;
  change: "delete" | "expire" | "set" | "none";
  ttlAfter?: number;
  exists?: boolean;
  wouldOverwrite?: boolean;
  sizeBytes?: number;
  note?: string;
  node?: string;
}

/** A plan (dry-run) with one page of its preview; `page` counts from 1. */
export interface PlanPage {
  planId: string;
  template: string;
  builtin: BuiltinId;
  templateVersion: number;
  savedTemplateId?: string;
  profile: string;
  profileId: string;
  environment: Environment;
  params: Record<string, unknown>;
  status: PlanStatus;
  matched: number;
  scanned: number;
  complete: boolean;
  limitReached?: boolean;
  duplicates?: number;
  unchanged?: number;
  rollback: RollbackCoverage;
  rollbackReason: string;
  estimatedDurationMs: number;
  createdAt: number;
  notes: string[];
  policy: WorkflowExecutionPolicy;
  error?: { code: string; message: string };
  executionId?: string;
  parentExecutionId?: string;
  rerunKind?: "rerun" | "rerun-with-edits";
  paramsDiff?: ParamChange[];
  page: number;
  pageSize: number;
  pages: number;
  items: PlanItem[];
}

/** Where an execution is: its status and counts (the summary and each progress event). */
export interface ExecutionCounts {
  status: ExecutionStatus;
  planned: number;
  processed: number;
  applied: number;
  skipped: number;
  failed: number;
}

export interface ExecutionSummary extends ExecutionCounts {
  executionId: string;
  planId: string;
  template: string;
  builtin: BuiltinId;
  profile: string;
  profileId: string;
  environment: Environment;
  startedAt: number;
  endedAt: number | null;
  parentExecutionId: string | null;
  rerunKind?: "rerun" | "rerun-with-edits";
  abortReason?: string;
}

export interface ExecutionDetail extends ExecutionSummary {
  templateVersion: number;
  params: Record<string, unknown>;
  policy: WorkflowExecutionPolicy;
  origin: string;
  steps: StepRecord[];
  rollback: RollbackCoverage;
  rollbackReason: string;
  rollbackResult?: { restored: number; skipped: number; failed: number; message?: string };
  error?: { code: string; message: string };
  paramsDiff?: ParamChange[];
  attemptCount: number;
  attempts?: AttemptRecord[];
}

/** `{type: "workflow", event: "progress"}` on /api/ws (at most 4 a second). */
export interface WorkflowProgressEvent extends ExecutionCounts {
  type: "workflow";
  event: "progress";
  executionId: string;
  planId: string;
  rate: number;
  etaMs: number | null;
}

/** Pushed workflow messages. plan-finished / execution-finished carry the stored records. */
export type WorkflowLiveMessage =
  | { type: "workflow"; event: "plan-progress"; planId: string; scanned: number; matched: number }
  | { type: "workflow"; event: "plan-finished"; plan: { planId: string; status?: PlanStatus } }
  | WorkflowProgressEvent
  | {
      type: "workflow";
      event: "execution-finished";
      execution: { executionId: string; planId: string; status: ExecutionStatus };
    };

/** GET /api/rollback/snapshots: one pre-image. `expiresAt`: the key's absolute expiry then. */
export interface SnapshotView {
  snapshotId: string;
  key: string;
  keyBase64: string;
  profile: string | null;
  profileId: string;
  executionId: string | null;
  operationId: string;
  operation: string;
  capturedAt: number;
  existed: boolean;
  type: string;
  sizeBytes: number;
  expiresAt: number | null;
  restoreStatus: string;
}

/** GET /api/rollback/snapshots/:id: the snapshot beside the key now (strings decoded). */
export interface SnapshotInspect {
  snapshot: SnapshotView & {
    value: string | null;
    valueBase64?: string;
    rdbVersion?: number | null;
  };
  current: { type: string; ttl: number; value: string | null; valueBase64?: string };
  conflict?: string;
}

export interface RestoreSelection {
  snapshotIds?: string[];
  executionId?: string;
  operationId?: string;
}

export interface RestoreResult {
  profile: string;
  restored: number;
  skipped: number;
  failed: number;
  items: {
    key: string;
    keyBase64: string;
    status: "restored" | "deleted" | "skipped" | "failed";
    reason?: string;
  }[];
  /** Keys restored but not listed in `items` (large selections). */
  itemsOmitted?: number;
}
