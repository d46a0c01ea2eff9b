import type { Environment, ErrorCode, HistoryEvent, JsonReply, ValueType } from "@cachify/core";

/**
 * The API's wire types the web reads. Those the studio names too come from the core
 * (`@cachify/core`, packages/core/src/api/wire-types.ts); the rest are defined here once.
 */
export type {
  ApiErrorBody,
  AttemptRecord,
  BuiltinId,
  ChallengeDetails,
  CollectionPage,
  CollectionType,
  ConfirmBody,
  Environment,
  ExecutionStatus,
  HistoryEvent,
  JsonReply,
  ParamChange,
  ParamDescriptor,
  PlanChallengeDetails,
  PlanConfirmBody,
  PlanStatus,
  PolicyView,
  ProfileView,
  RestoreProgress,
  RollbackCoverage,
  StepRecord,
  ValueType,
  WorkflowExecutionPolicy,
} from "@cachify/core";
export type * from "./workflow-types.ts";

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

/** A pushed WebSocket message. Unknown types are ignored so the server can add more. */
export type LiveMessage = { type: "history"; event: HistoryEvent } | { type: string };

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

export interface ConsoleReply {
  reply: JsonReply;
  /** redis-cli's rendering of the reply. */
  text: string;
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
