import type { DecodeLimits as ChainLimits, PlainJson } from "@cachify/core";
import type { DecodeLimits } from "../layer.ts";

/** The messages between the pool and its workers: one job in, one answer out. */

/** One compression layer, one way: bytes in, bytes out. */
export interface LayerJob {
  id: number;
  op: "decode" | "encode";
  layer: string;
  bytes: Uint8Array;
  limits: DecodeLimits;
}

/**
 * A whole decoder chain (`decodeChain` with every format and layer the worker knows): the chain
 * given, or auto-detection when there is none. The answer is the decoded value as plain JSON.
 */
export interface ChainJob {
  id: number;
  op: "chain";
  chain?: string[];
  bytes: Uint8Array;
  limits: ChainLimits;
}

export type JobMessage = LayerJob | ChainJob;

/** What a chain job answers: the steps applied and the value (`toPlainJson` of the tree). */
export interface ChainView {
  chain: string[];
  value: PlainJson;
}

export interface SerializedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type AnswerMessage =
  | { id: number; ok: true; bytes: Uint8Array }
  | { id: number; ok: true; view: ChainView }
  | { id: number; ok: false; error: SerializedError };

/** Sent once by a worker when its layers are loaded and it takes jobs. */
export const READY = "ready";
