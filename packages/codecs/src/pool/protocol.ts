import type { DecodeLimits } from "../layer.ts";

/** The messages between the pool and its workers: one job in, one answer out. */
export interface JobMessage {
  id: number;
  op: "decode" | "encode";
  layer: string;
  bytes: Uint8Array;
  limits: DecodeLimits;
}

export interface SerializedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type AnswerMessage =
  | { id: number; ok: true; bytes: Uint8Array }
  | { id: number; ok: false; error: SerializedError };

/** Sent once by a worker when its layers are loaded and it takes jobs. */
export const READY = "ready";
