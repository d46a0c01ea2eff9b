import { badInput } from "@cachify/core";

/** The page size of the workflow lists (plans, executions): asked for, checked, capped. */

export const MAX_LIMIT = 1000;

export function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) {
    throw badInput(`limit must be a whole number from 1 to ${MAX_LIMIT} (got ${limit}).`);
  }
  return Math.min(limit, MAX_LIMIT);
}
