import { CachifyError } from "../common/errors.ts";
import type { KeyState, ValueType } from "../operations/operation.ts";
import type { Capabilities } from "../ports/cache-provider.ts";
import { conditionFor, expireApplies, targetTtlSeconds } from "./ttl.ts";
import type { PlanItem, WorkflowExecutionPolicy, WorkflowSpec } from "./types.ts";

/** One row of a dry-run preview: the key as it is now and what the execution would do to it. */
export interface PreviewRow {
  key: Uint8Array;
  type: ValueType;
  /** Now: ms left, -1 no expiry, -2 missing. */
  ttlMs: number;
  change: "delete" | "expire" | "set" | "none";
  /** TTL the key would have afterwards (ms; -1 none). */
  ttlAfterMs?: number;
  /** Warm-up: the key exists now (a set would overwrite it). */
  exists?: boolean;
  wouldOverwrite?: boolean;
  sizeBytes?: number;
  note?: string;
}

/** What the execution would do to a planned key, judged on its state now. */
export function previewRow(spec: WorkflowSpec, item: PlanItem, live: KeyState): PreviewRow {
  const type = live.type ?? (live.ttlMs === -2 ? "none" : "unknown");
  const base = { key: item.key, type, ttlMs: live.ttlMs };
  const gone = live.ttlMs === -2;
  switch (spec.builtin) {
    case "delete-by-pattern":
      return gone
        ? { ...base, change: "none", note: "gone since the dry-run" }
        : { ...base, change: "delete", ttlAfterMs: -2 };
    case "ttl-normalize": {
      const target = item.ttlSeconds ?? targetTtlSeconds(spec.params, item.key);
      if (gone) return { ...base, change: "none", note: "gone since the dry-run" };
      if (!expireApplies(conditionFor(spec.params.mode), live.ttlMs, target)) {
        return { ...base, change: "none", note: "no longer needs a change" };
      }
      return { ...base, change: "expire", ttlAfterMs: target * 1000 };
    }
    case "warmup-set": {
      const exists = !gone;
      const cond = spec.params.condition;
      const after = item.ttlSeconds !== undefined ? item.ttlSeconds * 1000 : -1;
      if ((cond === "if-absent" && exists) || (cond === "if-present" && !exists)) {
        return {
          ...base,
          change: "none",
          exists,
          note: cond === "if-absent" ? "exists: left as it is" : "missing: not created",
        };
      }
      return {
        ...base,
        change: "set",
        exists,
        wouldOverwrite: exists,
        ttlAfterMs: after,
        ...(item.value ? { sizeBytes: item.value.length } : {}),
      };
    }
  }
}

/** Keys per second we expect of each engine's batch steps on a local network (for estimates). */
const EXPECTED_RATE = { redis: 300_000, memcached: 200_000 };

export function estimateDurationMs(
  matched: number,
  engine: "redis" | "memcached",
  policy: WorkflowExecutionPolicy,
  snapshots: boolean,
): number {
  let rate = EXPECTED_RATE[engine] / (snapshots ? 3 : 1);
  if (policy.maxOpsPerSecond) rate = Math.min(rate, policy.maxOpsPerSecond);
  return Math.round((matched / rate) * 1000);
}

/**
 * What an engine cannot do for a template: an error (nothing would be right) or notes shown with
 * the preview (caveats the user should know before confirming).
 */
export function engineFit(
  spec: WorkflowSpec,
  caps: Capabilities,
  redisVersion?: number,
): { notes: string[] } {
  const notes: string[] = [];
  const memcached = caps.engine === "memcached";
  const type = spec.builtin === "warmup-set" ? undefined : spec.params.type;
  if (memcached && type !== undefined && type !== "string") {
    throw new CachifyError(
      "capability",
      `Memcached stores only strings, so a type filter of "${type}" would match nothing: drop the type param (or use type=string).`,
      { details: { engine: "memcached", param: "type" } },
    );
  }
  if (spec.builtin !== "warmup-set") {
    if (caps.keyListing === "none") {
      throw new CachifyError(
        "capability",
        `${caps.reasons.keyListing ?? "This server cannot list its keys"}: ${spec.builtin} needs a key listing.`,
      );
    }
    if (memcached && caps.reasons.keyListing) notes.push(caps.reasons.keyListing);
  }
  if (caps.cluster) {
    notes.push(
      "Redis Cluster: every primary is scanned in parallel; batches go to each key's own node, never as a cross-slot command.",
    );
  }
  if (spec.builtin === "ttl-normalize" && spec.params.mode !== "all") {
    if (memcached) {
      notes.push(
        `Memcached has no conditional TTL update: for mode ${spec.params.mode} each key's TTL is read and then set (two steps, not atomic; a change in between can be missed).`,
      );
    } else if (redisVersion !== undefined && redisVersion < 7) {
      notes.push(
        `Redis ${redisVersion} has no EXPIRE NX/LT/GT (Redis 7): for mode ${spec.params.mode} each key's TTL is read and then set (not atomic).`,
      );
    }
  }
  if (memcached && spec.builtin === "warmup-set") {
    notes.push(
      "Memcached: each key is written to the server ketama picks for it (as libmemcached clients do), with client flags 0.",
    );
  }
  return { notes };
}
