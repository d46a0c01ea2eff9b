import type {
  AttemptRecord,
  Environment,
  ErrorCode,
  ExecutionStatus,
  HistoryEvent,
  ParamChange,
  ParamDescriptor,
  PlanStatus,
  ProfileView,
  RollbackCoverage,
  StepRecord,
  ValueType,
  WorkflowExecutionPolicy,
} from "@cachify/core";

export type {
  AttemptRecord,
  Environment,
  ExecutionStatus,
  HistoryEvent,
  ParamChange,
  ParamDescriptor,
  PlanStatus,
  ProfileView,
  RollbackCoverage,
  StepRecord,
  ValueType,
  WorkflowExecutionPolicy,
};

/** One row of GET /api/profiles/:id/keys. `ttl` is in seconds: -1 no expiry, -2 missing. */
export interface KeyRow {
  key: string;
  keyBase64: string;
  type: ValueType;
  ttl: number;
  sizeBytes?: number;
}

export interface KeysPage {
  keys: KeyRow[];
  cursor: string;
  done: boolean;
  total?: number;
  bestEffort?: string;
}

/**
 * GET /api/profiles/:id/key. A string value comes as `valueBase64` (exact bytes) and `value`
 * (the text, or null when the bytes are not UTF-8).
 */
export interface KeyValue {
  key: string;
  keyBase64: string;
  type: ValueType;
  ttl: number;
  value?: string | null;
  valueBase64?: string;
  sizeBytes?: number;
}

/** POST /api/profiles: what the add-connection form sends. */
export interface NewProfile {
  name: string;
  url?: string;
  environment: Environment;
  readOnly: boolean;
  /** A number, or the user's text as typed so the server can say what is wrong with it. */
  timeoutMs?: number | string;
}

/** The server's error codes plus the two the client itself can produce. */
export type ApiErrorCode = ErrorCode | "network" | "bad-response";

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; retryable?: boolean; details?: unknown };
}

/** A pushed WebSocket message. Unknown types are ignored so the server can add more. */
export type LiveMessage = { type: "history"; event: HistoryEvent } | { type: string };

/** What re-sends a guarded request after the user confirmed (docs/api.md, 428 challenges). */
export interface ConfirmBody {
  challengeId: string;
  typedName?: string;
}

/** A 428 answer's details: what the user must do before the request is sent again. */
export interface ChallengeDetails {
  level: "confirm" | "typed-name";
  challengeId: string;
  /** The text to type (the profile name) for `typed-name`. */
  type?: string;
  profile: string;
  environment: Environment;
  expiresAt?: number;
}

/** One page of a collection: `cursor` is opaque (scan cursor, next index or stream id). */
export interface CollectionPage<T> {
  items: T[];
  cursor: string;
  done: boolean;
  /** Members in the whole collection. */
  length: number;
}

/** Names (fields, members) travel like keys: display text plus bytes. */
export interface HashItem {
  field: string;
  fieldBase64: string;
  value: string | null;
  valueBase64: string;
}
export interface ListItem {
  index: number;
  value: string | null;
  valueBase64: string;
}
export interface SetItem {
  member: string;
  memberBase64: string;
}
export interface ZsetItem {
  rank: number;
  member: string;
  memberBase64: string;
  /** A number, or "inf" / "-inf". */
  score: number | string;
}
export interface StreamItem {
  id: string;
  fields: HashItem[];
}
export type CollectionType = "hash" | "list" | "set" | "zset" | "stream";
export interface CollectionItems {
  hash: HashItem;
  list: ListItem;
  set: SetItem;
  zset: ZsetItem;
  stream: StreamItem;
}

export interface ServerInfo {
  engine: "redis" | "memcached";
  version?: string;
  keys?: number;
  db: number;
  sections: { name: string; fields: [string, string][] }[];
  keyspace: { db: number; keys: number; expires: number; avgTtlMs: number }[];
}

export interface SlowlogEntry {
  id: number;
  ts: number;
  durationMicros: number;
  command: string[];
  client?: string;
  node?: string;
}

export interface CommandClass {
  command: string;
  class: "read" | "write" | "destructive" | "admin";
  reason?: string;
  bulk: boolean;
  guard: "none" | "confirm" | "typed-name" | "plan-required";
  readOnly: boolean;
}

export type JsonReply =
  | null
  | number
  | string
  | { error: string }
  | { base64: string }
  | JsonReply[];

export interface ConsoleReply {
  reply: JsonReply;
  /** redis-cli's rendering of the reply. */
  text: string;
}

export interface PolicyView {
  profile: string;
  profileId: string;
  reason: string;
  source: "user" | "managed";
}

export interface EngineCapabilities {
  engine: "redis" | "memcached";
  scan: boolean;
  types: ValueType[];
  ttlRead: boolean;
  ttlWrite: boolean;
  keyListing: "exact" | "best-effort" | "none";
  stats: boolean;
  cluster: boolean;
  reasons: Partial<Record<string, string>>;
}

/** A key named by its exact bytes; new text (a value typed by the user) travels as text. */
export type NewKeyInput =
  | { type: "string"; value: string; ttl?: number }
  | { type: "hash"; field: string; value: string }
  | { type: "list"; value: string }
  | { type: "set"; member: string }
  | { type: "zset"; member: string; score: number | string }
  | { type: "stream"; fields: { field: string; value: string }[] };

// ---------- workflows and rollback (docs/api.md, "Workflows") ----------

export type BuiltinId = "delete-by-pattern" | "ttl-normalize" | "warmup-set";

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

/** The 428 of POST /api/workflows/plans/:id/apply: what to type. */
export interface PlanChallengeDetails {
  level: "typed-count" | "typed-count-and-name";
  planId: string;
  matched: number;
  profile: string;
  environment: Environment;
  type: { count: string; name?: string };
  challengeId: string;
  expiresAt: number;
}

export interface PlanConfirmBody {
  challengeId: string;
  count: string;
  typedName?: string;
}

export interface ExecutionSummary {
  executionId: string;
  planId: string;
  template: string;
  builtin: BuiltinId;
  profile: string;
  profileId: string;
  environment: Environment;
  status: ExecutionStatus;
  planned: number;
  processed: number;
  applied: number;
  skipped: number;
  failed: number;
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
export interface WorkflowProgressEvent {
  type: "workflow";
  event: "progress";
  executionId: string;
  planId: string;
  status: ExecutionStatus;
  planned: number;
  processed: number;
  applied: number;
  skipped: number;
  failed: number;
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

/** Pushed on /api/ws while a restore runs, after each page of 2,000 keys. */
export interface RestoreProgress {
  restored: number;
  skipped: number;
  failed: number;
  total: number;
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
