import type { ValueType } from "../operations/operation.ts";
import type { Environment, RetryPolicy } from "../profiles/profile.ts";

export type BuiltinTemplateId = "delete-by-pattern" | "ttl-normalize" | "warmup-set";
export const BUILTIN_IDS: readonly BuiltinTemplateId[] = [
  "delete-by-pattern",
  "ttl-normalize",
  "warmup-set",
];

export type TtlMode = "all" | "persistent-only" | "clamp-max" | "clamp-min";
export type WarmupCondition = "always" | "if-absent" | "if-present";

export interface DeleteByPatternParams {
  pattern: string;
  type?: ValueType;
  limit?: number;
}

export interface TtlNormalizeParams {
  pattern: string;
  ttlSeconds: number;
  mode: TtlMode;
  spreadPercent?: number;
  type?: ValueType;
  limit?: number;
}

/** An inline warm-up entry as the API and saved templates carry it (text or base64). */
export interface WarmupEntryInput {
  key?: string;
  keyBase64?: string;
  value?: string;
  valueBase64?: string;
  ttlSeconds?: number;
}

export interface WarmupSetParams {
  /** A JSON-lines or CSV file on this machine: read for the CLI only (its own user chose it). */
  file?: string;
  /** A JSON-lines or CSV file's content, uploaded (the API: the web form sends the picked file). */
  content?: string;
  format?: "jsonl" | "csv";
  entries?: WarmupEntryInput[];
  /** Default TTL for entries without their own; absent: no expiry. */
  ttlSeconds?: number;
  condition: WarmupCondition;
}

/** A template with validated parameters: what a plan is made from. */
export type WorkflowSpec =
  | { builtin: "delete-by-pattern"; params: DeleteByPatternParams }
  | { builtin: "ttl-normalize"; params: TtlNormalizeParams }
  | { builtin: "warmup-set"; params: WarmupSetParams };

export interface AbortRules {
  /** Abort when failed keys / keys done exceeds this (0..1). */
  maxErrorRatio?: number;
  /** Abort after this many batches in a row failed (after their retries). */
  maxConsecutiveFailures?: number;
  /** Abort when planned changes that no longer apply live exceed this share of the plan (0..1). */
  maxMatchedDrift?: number;
  /** A batch lost its connection after every retry: abort, or count it as failed and go on. */
  onConnectionLost: "abort" | "continue";
  /** Abort when an alert fires on the profile (needs the alert engine; ignored without it). */
  onAlertFiring?: "abort" | "ignore";
}

/** WorkflowExecutionPolicy, docs/design/contracts.md#workflows (defaults from the profile). */
export interface WorkflowExecutionPolicy {
  /** Timeout of each batch attempt. */
  stepTimeoutMs: number;
  executionTimeoutMs?: number;
  retry: RetryPolicy;
  batchSize: number;
  maxOpsPerSecond?: number;
  abort: AbortRules;
  onAbort: "stop" | "stopAndRollback";
}

export type RollbackCoverage = "full" | "partial" | "none";

export interface TemplateRef {
  builtin: BuiltinTemplateId;
  version: number;
  /** Set when the plan came from a saved template. */
  savedTemplateId?: string;
  name: string;
}

export type PlanStatus = "building" | "ready" | "failed" | "cancelled";

export interface ParamChange {
  param: string;
  from: unknown;
  to: unknown;
}

export interface PlanRecord {
  planId: string;
  template: TemplateRef;
  params: Record<string, unknown>;
  policy: WorkflowExecutionPolicy;
  profileId: string;
  profileName: string;
  environment: Environment;
  engine: "redis" | "memcached";
  createdAt: number;
  status: PlanStatus;
  /** Keys (or entries) the execution would change, de-duplicated. */
  matched: number;
  /** Keys the listing returned before filtering (pattern matches, or file entries). */
  scanned: number;
  /** True once the listing ended and the count is final. */
  complete: boolean;
  /** The `limit` param stopped the listing early: more keys may match. */
  limitReached?: boolean;
  rollback: { coverage: RollbackCoverage; reason: string };
  estimatedDurationMs: number;
  /** Engine caveats shown with the preview (best-effort listing, non-atomic modes...). */
  notes: string[];
  /** Servers that listed the keys (Memcached pools): items refer to them by index. */
  nodes?: string[];
  /** Distinct keys that appeared more than once (warm-up files). */
  duplicates?: number;
  /** Warm-up sets: entries whose condition says no at plan time (present for if-absent...). */
  unchanged?: number;
  error?: { code: string; message: string };
  /** Set once an execution used this plan: a plan runs once; rerun makes a fresh one. */
  executionId?: string;
  /** false: the dry-run found the profile's user cannot take snapshots (no DUMP): none are taken. */
  snapshots?: false;
  parent?: { executionId: string; kind: "rerun" | "rerun-with-edits"; paramsDiff: ParamChange[] };
  finishedAt?: number;
}

/** One key of a plan as stored (compact: only what the template needs). */
export interface PlanItem {
  key: Uint8Array;
  /** Index into plan.nodes: the server whose listing had the key. */
  node?: number;
  /** TTL at plan time (ms; -1 none): ttl-normalize. */
  ttlMs?: number;
  /** Target TTL in seconds (ttl-normalize after spread; warm-up entry TTL). */
  ttlSeconds?: number;
  /** Warm-up: the value to write, and whether the key existed at plan time. */
  value?: Uint8Array;
  existed?: boolean;
}

export type ExecutionStatus =
  | "running"
  | "succeeded"
  | "failed"
  | "aborted"
  | "cancelled"
  | "interrupted"
  | "rolled-back";

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
  "succeeded",
  "failed",
  "aborted",
  "cancelled",
  "interrupted",
  "rolled-back",
];

export interface AttemptRecord {
  step: string;
  batch: number;
  attempt: number;
  start: number;
  end: number;
  /** Backoff waited before this attempt. */
  delayMs: number;
  keys: number;
  outcome: "ok" | "error";
  errorClass?: string;
  errorCode?: string;
  message?: string;
}

export type StepStatus =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "aborted"
  | "cancelled"
  | "skipped"
  | "interrupted";

export interface StepRecord {
  name: string;
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  batches: number;
  attempts: number;
  retries: number;
  message?: string;
}

export interface ExecutionCounts {
  planned: number;
  /** Keys handled (changed or left alone because they no longer needed it). */
  processed: number;
  applied: number;
  skipped: number;
  failed: number;
}

export interface WorkflowExecutionRecord extends ExecutionCounts {
  executionId: string;
  planId: string;
  template: TemplateRef;
  params: Record<string, unknown>;
  policy: WorkflowExecutionPolicy;
  profileId: string;
  profileName: string;
  environment: Environment;
  origin: string;
  status: ExecutionStatus;
  steps: StepRecord[];
  abortReason?: string;
  error?: { code: string; message: string };
  rollback: { coverage: RollbackCoverage; reason: string };
  rollbackResult?: { restored: number; skipped: number; failed: number; message?: string };
  parentExecutionId?: string;
  rerunKind?: "rerun" | "rerun-with-edits";
  paramsDiff?: ParamChange[];
  startedAt: number;
  endedAt?: number;
  /** Attempts recorded (see the attempts list of the timeline). */
  attemptCount: number;
}

export interface WorkflowProgress extends ExecutionCounts {
  executionId: string;
  status: ExecutionStatus;
  /** Keys per second over the last few seconds. */
  rate: number;
  etaMs: number | null;
  elapsedMs: number;
}

export interface SavedTemplate {
  id: string;
  name: string;
  builtin: BuiltinTemplateId;
  version: number;
  params: Record<string, unknown>;
  policy?: Partial<PolicyInput>;
  description?: string;
  createdAt: number;
  updatedAt: number;
}

/** Policy fields a user may set (flat keys, as the CLI takes them: retry.maxAttempts=3). */
export type PolicyInput = Record<string, unknown>;

export interface ValueTypeFilter {
  type?: ValueType;
}
