import { type BatchOutcome, displayKey } from "@cachify/core";
import type { ChainableCommander, Redis } from "ioredis";

/**
 * Counting a batch's outcome on a single server: applied / skipped / failed per key, with the
 * first few errors kept (a million failing keys must not make a million messages).
 */

export const MAX_ERRORS = 5;

export const empty = (): BatchOutcome => ({ applied: 0, skipped: 0, failed: 0 });

/** Runs a pipeline on one node; per-command errors are counted, a lost connection throws. */
export async function runPipeline(
  node: Redis,
  build: (p: ChainableCommander) => void,
): Promise<[Error | null, unknown][]> {
  const p = node.pipeline();
  build(p);
  return ((await p.exec()) ?? []) as [Error | null, unknown][];
}

export function tally(
  replies: [Error | null, unknown][],
  keys: Uint8Array[],
  indexes: number[],
  applied: (r: unknown) => boolean,
  out: BatchOutcome,
): void {
  replies.forEach(([err, r], j) => {
    if (err) {
      out.failed++;
      out.errors ??= [];
      if (out.errors.length < MAX_ERRORS)
        out.errors.push(`${displayKey(keys[indexes[j]!]!)}: ${err.message}`);
    } else if (applied(r)) out.applied++;
    else out.skipped++;
  });
}

export function note(out: BatchOutcome, message: string): void {
  out.errors ??= [];
  if (out.errors.length < MAX_ERRORS) out.errors.push(message);
}
