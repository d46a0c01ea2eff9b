import type { ExecutionCounts } from "./types.ts";

/** The counts alone, copied out of an execution record (for events, views and a failed run). */
export const countsOf = (r: ExecutionCounts): ExecutionCounts => ({
  planned: r.planned,
  processed: r.processed,
  applied: r.applied,
  skipped: r.skipped,
  failed: r.failed,
});
