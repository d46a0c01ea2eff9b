import { badInput } from "@cachify/core";
import type { RedisContext } from "../context.ts";
import { isWrongType, wrongTypeError } from "../errors.ts";

/**
 * Runs a collection command; a WRONGTYPE reply becomes "<key> holds a <type>, not a <expected>"
 * (one TYPE round trip, only on that error path).
 */
export async function ofType<T>(
  ctx: RedisContext,
  key: Buffer,
  expected: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isWrongType(e)) throw e;
    const actual = await ctx.client.type(key).catch(() => "value of another type");
    throw wrongTypeError(key, actual, expected);
  }
}

/** A whole-number argument (index, count), checked before it reaches the server. */
export function whole(n: number, what: string): string {
  if (!Number.isSafeInteger(n)) throw badInput(`${what} must be a whole number, got ${n}.`);
  return String(n);
}

/** COUNT hint of a scan page: 1..10,000, default 200. */
export function scanCount(count: number | undefined): number {
  if (count === undefined) return 200;
  if (!Number.isSafeInteger(count) || count < 1 || count > 10_000) {
    throw badInput(`count must be between 1 and 10000, got ${count}.`);
  }
  return count;
}

/** A SCAN-family cursor: digits only ("" means start). */
export function scanCursor(cursor: string): string {
  if (cursor === "") return "0";
  if (!/^\d+$/.test(cursor))
    throw badInput(`Cursor "${cursor}" is not a scan cursor: start from 0.`);
  return cursor;
}

/**
 * Index paging (LRANGE, ZRANGE): `start..stop` inclusive, negative counted from the end. The cursor
 * is the next start index as text; done once the page reaches the end of the collection.
 */
export function indexPage<T>(
  items: T[],
  start: number,
  length: number,
): { items: T[]; cursor: string; done: boolean; length: number } {
  const from = start < 0 ? Math.max(0, length + start) : start;
  const next = from + items.length;
  return { items, cursor: String(next), done: items.length === 0 || next >= length, length };
}

export const matchArgs = (match: string | undefined): string[] =>
  match && match !== "*" ? ["MATCH", match] : [];
