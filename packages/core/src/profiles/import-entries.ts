import { importTooLarge, MAX_IMPORT_ENTRIES } from "./import-limits.ts";
import { fromArdm, fromRedisInsight, isObject } from "./import-tools.ts";
import { redactUrlsIn } from "./url-secrets.ts";
import type { ProfileInput } from "./validate.ts";

/**
 * A connections file as entries, one at a time (JSON lists and URL lists), with the problems of
 * each entry collected by its place in the file, and the names that repeat made unique.
 */

export interface Entry {
  /** The line number (URL lists) or the position in the list (JSON files), from 0. */
  index: number;
  input: ProfileInput;
}

export interface EntryError {
  index: number;
  /** "entry 3 (orders)" or "line 4": where the problem is, as the user counts. */
  where: string;
  message: string;
}

/** "entry 3 (orders)": where an entry of a JSON list is, as the user counts. */
export function entryLabel(list: unknown[], index: number): string {
  const item = list[index];
  const name = isObject(item) && typeof item.name === "string" ? item.name : "";
  return `entry ${index + 1}${name ? ` (${name})` : ""}`;
}

/** Entries are produced one at a time: each dies young once its profile is built. */
export function* jsonEntries(
  list: unknown[],
  format: "redisinsight" | "ardm" | "json-list",
  environment: unknown,
  errors: EntryError[],
): Generator<Entry> {
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    if (!isObject(item)) {
      errors.push({
        index,
        where: entryLabel(list, index),
        message: "not an object with host and port",
      });
      continue;
    }
    let input: ProfileInput;
    try {
      input = format === "ardm" ? fromArdm(item, environment) : fromRedisInsight(item, environment);
    } catch (e) {
      errors.push({ index, where: entryLabel(list, index), message: (e as Error).message });
      continue;
    }
    yield { index, input };
  }
}

const URL_LINE = /^(?:(.*?)\s+)?([a-z][a-z+]*:\/\/\S+)$/i;
const URL_ADDRESS = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?#]+)/i;

export const isEntryLine = (line: string) => line !== "" && !line.startsWith("#");

export function* urlEntries(
  lines: string[],
  environment: unknown,
  errors: EntryError[],
): Generator<Entry> {
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!isEntryLine(line)) continue;
    if (++count > MAX_IMPORT_ENTRIES) {
      throw importTooLarge(lines.reduce((n, l) => (isEntryLine(l.trim()) ? n + 1 : n), 0));
    }
    const m = URL_LINE.exec(line);
    if (!m) {
      // Redacted before it is cut: a cut could leave a password without the "@" that marks it.
      const safe = redactUrlsIn(line);
      const shown = safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
      errors.push({
        index: i + 1,
        where: `line ${i + 1}`,
        message: `"${shown}" is not a connection URL such as redis://host:6379`,
      });
      continue;
    }
    const url = m[2]!;
    const named = m[1]?.trim();
    yield {
      index: i + 1,
      input: { name: named || (URL_ADDRESS.exec(url)?.[1] ?? url), url, environment },
    };
  }
}

/**
 * "name", then "name (2)", "name (3)"... for names that repeat in another tool's file, cut to fit
 * the 64 characters of a name. `next` remembers each name's next suffix, so n repeats of one name
 * cost n lookups in all, not n² (150,000 of one host:port took minutes).
 */
export function uniqueName(name: string, taken: Set<string>, next: Map<string, number>): string {
  if (!taken.has(name)) return name;
  for (let n = next.get(name) ?? 2; ; n++) {
    const suffix = ` (${n})`;
    const stem =
      name.length + suffix.length > 64 ? name.slice(0, 64 - suffix.length).trimEnd() : name;
    const candidate = stem + suffix;
    if (!taken.has(candidate)) {
      next.set(name, n + 1);
      return candidate;
    }
  }
}
