import { badInput, ERROR_CLASSES } from "../common/errors.ts";
import type { ConnectionProfile, RetryPolicy } from "../profiles/profile.ts";
import type { PolicyInput, WorkflowExecutionPolicy } from "./types.ts";

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_BATCH_SIZE = 10_000;

/** A workflow's policy before the user's changes: timeouts and retry from the profile. */
export function defaultPolicy(profile: ConnectionProfile): WorkflowExecutionPolicy {
  return {
    stepTimeoutMs: profile.timeoutMs,
    retry: { ...profile.retry, retryOn: [...profile.retry.retryOn] },
    batchSize: DEFAULT_BATCH_SIZE,
    abort: {
      maxErrorRatio: 0.05,
      maxConsecutiveFailures: 3,
      maxMatchedDrift: 0.2,
      onConnectionLost: "abort",
    },
    onAbort: "stop",
  };
}

/** Every policy setting, by its dotted name (the request's `policy.<name>`). */
export const POLICY_SETTINGS = [
  "stepTimeoutMs",
  "executionTimeoutMs",
  "batchSize",
  "maxOpsPerSecond",
  "onAbort",
  "retry.maxAttempts",
  "retry.backoff",
  "retry.initialDelayMs",
  "retry.maxDelayMs",
  "retry.multiplier",
  "retry.jitter",
  "retry.retryOn",
  "abort.maxErrorRatio",
  "abort.maxConsecutiveFailures",
  "abort.maxMatchedDrift",
  "abort.onConnectionLost",
  "abort.onAlertFiring",
] as const;

/** Flattens a nested policy object ({retry: {maxAttempts}}) into dotted keys. */
export function flattenPolicyInput(input: unknown, prefix = ""): PolicyInput {
  const out: PolicyInput = {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) return out;
  for (const [k, v] of Object.entries(input)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "object" && v !== null && !Array.isArray(v))
      Object.assign(out, flattenPolicyInput(v, name));
    else out[name] = v;
  }
  return out;
}

function num(name: string, v: unknown, min: number, max: number, whole: boolean): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (
    typeof n !== "number" ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (whole && !Number.isInteger(n))
  ) {
    throw badInput(
      `Policy ${name} must be ${whole ? "a whole number" : "a number"} from ${min} to ${max.toLocaleString("en-US")}; got ${JSON.stringify(v)}.`,
      { param: `policy.${name}` },
    );
  }
  return n;
}

function pick<T extends string>(name: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw badInput(
      `Policy ${name} must be one of ${values.join(", ")}; got ${JSON.stringify(v)}.`,
      { param: `policy.${name}` },
    );
  }
  return v as T;
}

/**
 * Applies the user's policy settings (flat dotted keys or nested) over a base policy. Every
 * error names the setting and the allowed values.
 */
export function resolvePolicy(
  base: WorkflowExecutionPolicy,
  input: PolicyInput | undefined,
): WorkflowExecutionPolicy {
  const p: WorkflowExecutionPolicy = {
    ...base,
    retry: { ...base.retry, retryOn: [...base.retry.retryOn] },
    abort: { ...base.abort },
  };
  const flat = flattenPolicyInput(input ?? {});
  for (const [name, v] of Object.entries(flat)) {
    if (!(POLICY_SETTINGS as readonly string[]).includes(name)) {
      throw badInput(
        `Unknown policy setting "${name}": use one of ${POLICY_SETTINGS.join(", ")}.`,
        { param: `policy.${name}` },
      );
    }
    if (v === undefined || v === null || v === "") {
      if (name === "maxOpsPerSecond") delete p.maxOpsPerSecond;
      if (name === "executionTimeoutMs") delete p.executionTimeoutMs;
      continue;
    }
    const r: RetryPolicy = p.retry;
    switch (name as (typeof POLICY_SETTINGS)[number]) {
      case "stepTimeoutMs":
        p.stepTimeoutMs = num(name, v, 10, 3_600_000, true);
        break;
      case "executionTimeoutMs":
        p.executionTimeoutMs = num(name, v, 100, 7 * 86_400_000, true);
        break;
      case "batchSize":
        p.batchSize = num(name, v, 1, MAX_BATCH_SIZE, true);
        break;
      case "maxOpsPerSecond":
        p.maxOpsPerSecond = num(name, v, 1, 100_000_000, true);
        break;
      case "onAbort":
        p.onAbort = pick(name, v === "rollback" ? "stopAndRollback" : v, [
          "stop",
          "stopAndRollback",
        ] as const);
        break;
      case "retry.maxAttempts":
        r.maxAttempts = num(name, v, 1, 100, true);
        break;
      case "retry.backoff":
        r.backoff = pick(name, v, ["constant", "exponential"] as const);
        break;
      case "retry.initialDelayMs":
        r.initialDelayMs = num(name, v, 0, 600_000, true);
        break;
      case "retry.maxDelayMs":
        r.maxDelayMs = num(name, v, 0, 600_000, true);
        break;
      case "retry.multiplier":
        r.multiplier = num(name, v, 1, 100, false);
        break;
      case "retry.jitter":
        r.jitter = pick(name, v, ["none", "full"] as const);
        break;
      case "retry.retryOn": {
        const list = Array.isArray(v) ? v : String(v).split(",");
        r.retryOn = list.map((c) => pick(name, String(c).trim(), ERROR_CLASSES));
        break;
      }
      case "abort.maxErrorRatio":
        p.abort.maxErrorRatio = num(name, v, 0, 1, false);
        break;
      case "abort.maxConsecutiveFailures":
        p.abort.maxConsecutiveFailures = num(name, v, 1, 1_000_000, true);
        break;
      case "abort.maxMatchedDrift":
        p.abort.maxMatchedDrift = num(name, v, 0, 1, false);
        break;
      case "abort.onConnectionLost":
        p.abort.onConnectionLost = pick(name, v, ["abort", "continue"] as const);
        break;
      case "abort.onAlertFiring":
        p.abort.onAlertFiring = pick(name, v, ["abort", "ignore"] as const);
        break;
    }
  }
  if (p.retry.maxDelayMs < p.retry.initialDelayMs) {
    throw badInput(
      `Policy retry.maxDelayMs (${p.retry.maxDelayMs}) is below retry.initialDelayMs (${p.retry.initialDelayMs}): raise it.`,
      { param: "policy.retry.maxDelayMs" },
    );
  }
  return p;
}

/** Parses the CLI's --policy K=V pairs. */
export function policyFromPairs(pairs: readonly string[]): PolicyInput {
  const out: PolicyInput = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw badInput(
        `--policy "${pair}" is not K=V: write it as setting=value, e.g. retry.maxAttempts=3.`,
        { param: eq < 0 ? `policy.${pair.trim()}` : "policy" },
      );
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}
