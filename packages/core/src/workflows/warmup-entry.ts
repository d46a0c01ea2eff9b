import { badInput } from "../common/errors.ts";
import { bytesFromBase64, keyFromText } from "../common/keys.ts";
import { jsonSyntaxError } from "./json-syntax.ts";
import type { WarmupEntryInput } from "./types.ts";

/**
 * One warm-up entry (key, value, optional TTL) from what a user wrote: an inline entry, or one
 * line of JSON. The checks and messages every source shares (CSV and the byte path of JSON
 * lines use them too) are here, so each source refuses the same things in the same words.
 */

export interface WarmupEntry {
  key: Uint8Array;
  value: Uint8Array;
  ttlSeconds?: number;
}

const MAX_TTL = 315_360_000;

/** Why a value is not a TTL, without quoting it (it may come from any file). */
function notTtl(v: unknown): string {
  if (typeof v !== "number" || Number.isNaN(v)) {
    return typeof v === "boolean" ? "true or false" : "not a number";
  }
  if (!Number.isInteger(v)) return "a fraction";
  return v < 1 ? "less than 1" : "more than the maximum";
}

export function bytesOf(
  text: string | undefined,
  b64: string | undefined,
  what: string,
  where: string,
) {
  if (b64 !== undefined) {
    try {
      return bytesFromBase64(b64);
    } catch {
      throw badInput(`${where}: ${what}Base64 is not valid base64.`);
    }
  }
  if (text === undefined) throw badInput(`${where} has no ${what}.`);
  return keyFromText(text);
}

export function ttlOf(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_TTL) {
    throw badInput(
      `${where}: ttlSeconds must be a whole number of seconds from 1 to ${MAX_TTL}; it is ${notTtl(n)}.`,
    );
  }
  return n;
}

/** An inline entry (API, saved template) as bytes. */
export function entryFromInput(e: WarmupEntryInput, index: number): WarmupEntry {
  const where = `entry ${index + 1}`;
  const out: WarmupEntry = {
    key: bytesOf(e.key, e.keyBase64, "key", where),
    value: bytesOf(e.value, e.valueBase64, "value", where),
  };
  const ttl = ttlOf(e.ttlSeconds, where);
  if (ttl !== undefined) out.ttlSeconds = ttl;
  if (out.key.length === 0) throw badInput(`${where} has an empty key.`);
  return out;
}

/**
 * One JSON line: {"key": "k", "value": "v", "ttlSeconds"?: 60}; keyBase64 / valueBase64 for bytes;
 * a value that is not text (an object, a number) is stored as its JSON. Blank lines are skipped
 * (undefined).
 */
export function parseJsonLine(line: string, lineNo: number): WarmupEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  const where = `line ${lineNo}`;
  let o: unknown;
  try {
    o = JSON.parse(trimmed);
  } catch {
    // Position and reason only: JSON.parse's message quotes the line.
    const e = jsonSyntaxError(trimmed);
    const column = e.column + line.length - line.trimStart().length;
    throw badInput(
      `${where} is not valid JSON at column ${column} (${e.reason}): each line must be one object like {"key":"k","value":"v"}.`,
    );
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw badInput(`${where} is not a JSON object: write {"key":"k","value":"v"}.`);
  }
  const r = o as Record<string, unknown>;
  const text = (v: unknown, f: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw badInput(`${where}: ${f} must be a string.`);
    return v;
  };
  const value =
    r.value === undefined || typeof r.value === "string" ? r.value : JSON.stringify(r.value);
  const out: WarmupEntry = {
    key: bytesOf(text(r.key, "key"), text(r.keyBase64, "keyBase64"), "key", where),
    value: bytesOf(value as string | undefined, text(r.valueBase64, "valueBase64"), "value", where),
  };
  const ttl = ttlOf(r.ttlSeconds ?? r.ttl, where);
  if (ttl !== undefined) out.ttlSeconds = ttl;
  if (out.key.length === 0) throw badInput(`${where} has an empty key.`);
  return out;
}
