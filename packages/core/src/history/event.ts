import type { ErrorClass, ErrorCode } from "../common/errors.ts";
import type { Environment } from "../profiles/profile.ts";

export type HistorySource =
  | "app"
  | "slowlog"
  | "latency"
  | "errorstats"
  | "keyspace"
  | "stats"
  | "alert";
export type Severity = "info" | "warning" | "error" | "critical";
export type Outcome = "ok" | "error" | "refused" | "timeout";
export type Origin = "cli" | "api" | "ui" | "workflow" | "rollback" | "collector";

/**
 * One line of the unified timeline. Never holds a value payload (docs/design/safety.md#redaction).
 */
export interface HistoryEvent {
  id: string;
  ts: number;
  source: HistorySource;
  kind: string;
  severity: Severity;
  profileId?: string;
  profileName?: string;
  environment?: Environment;
  origin?: Origin;
  operation?: string;
  /** Display forms of the keys involved (at most a few), per the redaction policy. */
  keys?: string[];
  keyCount?: number;
  durationMs?: number;
  outcome?: Outcome;
  errorCode?: ErrorCode;
  errorClass?: ErrorClass;
  attempts?: number;
  message?: string;
  executionId?: string;
  /** Pre-images saved for this operation (their operationId is this event's id). */
  snapshots?: number;
  dedupeKey?: string;
  count: number;
}

export interface HistoryQuery {
  profileId?: string;
  source?: HistorySource;
  since?: number;
  until?: number;
  limit?: number;
  /** Events older than this id (for paging back in time). */
  beforeId?: string;
  /** Timeline filters (any of the listed values); `search` matches the event's text. */
  sources?: HistorySource[];
  environments?: Environment[];
  severities?: Severity[];
  profileIds?: string[];
  search?: string;
}
