import type { Environment, ErrorCode, HistoryEvent, ProfileView, ValueType } from "@cachify/core";

export type { Environment, HistoryEvent, ProfileView, ValueType };

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
