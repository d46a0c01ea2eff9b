import type { ExpireCondition } from "../operations/operation.ts";
import { keyHash32 } from "./fingerprint-set.ts";
import type { TtlMode, TtlNormalizeParams } from "./types.ts";

/** The batch condition that makes a mode atomic on engines that have it (Redis 7 NX / LT / GT). */
export function conditionFor(mode: TtlMode): ExpireCondition {
  switch (mode) {
    case "all":
      return "always";
    case "persistent-only":
      return "if-persistent";
    case "clamp-max":
      return "if-lower";
    case "clamp-min":
      return "if-higher";
  }
}

/**
 * The TTL a key gets. With a spread each key's TTL moves by up to spreadPercent, always the same
 * for the same key (a hash of its bytes), so the preview and the execution agree and a rerun does
 * not reshuffle. The spread goes down (never past a maximum) except for clamp-min, where it goes up
 * (never below the minimum).
 */
export function targetTtlSeconds(params: TtlNormalizeParams, key: Uint8Array): number {
  const spread = params.spreadPercent ?? 0;
  if (spread <= 0) return params.ttlSeconds;
  const u = keyHash32(key) / 0x1_0000_0000;
  const delta = Math.floor(params.ttlSeconds * (spread / 100) * u);
  return params.mode === "clamp-min"
    ? params.ttlSeconds + delta
    : Math.max(1, params.ttlSeconds - delta);
}

/**
 * Whether a key with this TTL (ms; -1 none, -2 missing) would change under the condition, and to
 * what. Used for the plan's count and preview; the execution applies the same rule on the server.
 */
export function expireApplies(
  condition: ExpireCondition,
  currentTtlMs: number,
  targetSeconds: number,
): boolean {
  if (currentTtlMs === -2) return false;
  const target = targetSeconds * 1000;
  switch (condition) {
    case "always":
      return true;
    case "if-persistent":
      return currentTtlMs === -1;
    case "if-lower":
      return currentTtlMs === -1 || target < currentTtlMs;
    case "if-higher":
      return currentTtlMs >= 0 && target > currentTtlMs;
  }
}
