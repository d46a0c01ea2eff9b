/**
 * Wire types of the studio's HTTP API (docs/api.md) that both ends name: the studio's routes
 * answer with them and the web UI reads them. Types only: nothing here runs.
 */
import type { ErrorCode } from "../common/errors.ts";
import type { Environment } from "../profiles/profile.ts";
import type { BuiltinTemplateId } from "../workflows/types.ts";

/** The body of every failed request: `{error: {code, message, retryable, details}}`. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; retryable?: boolean; details?: unknown };
}

/** What re-sends a guarded request after the user confirmed (a 428 challenge answered). */
export interface ConfirmBody {
  challengeId: string;
  typedName?: string;
}

/** A 428 answer's details for a key, a selection or a restore: what to do before re-sending. */
export interface ChallengeDetails {
  level: "confirm" | "typed-name";
  challengeId: string;
  /** The text to type (the profile name) for `typed-name`. */
  type?: string;
  profile: string;
  environment: Environment;
  expiresAt?: number;
}

/** The 428 of POST /api/workflows/plans/:id/apply: the count to type, and on prod the name. */
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

/** The answer to a plan's challenge. */
export interface PlanConfirmBody {
  challengeId: string;
  count: string;
  typedName?: string;
}

/** The collection types the value routes page through. */
export type CollectionType = "hash" | "list" | "set" | "zset" | "stream";

/** A forced read-only lock, as GET /api/policies lists it. */
export interface PolicyView {
  profile: string;
  profileId: string;
  reason: string;
  source: "user" | "managed";
}

/** A console reply as JSON: bulk strings that are not text come as `{base64}`. */
export type JsonReply =
  | null
  | number
  | string
  | { error: string }
  | { base64: string }
  | JsonReply[];

/** Pushed on /api/ws while a restore runs, after each page of 2,000 keys. */
export interface RestoreProgress {
  restored: number;
  skipped: number;
  failed: number;
  total: number;
}

/** The built-in workflow templates, by id. */
export type BuiltinId = BuiltinTemplateId;
