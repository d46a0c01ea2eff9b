import { CachifyError } from "../common/errors.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { RetryPolicy } from "../profiles/profile.ts";

/** Delay before attempt `next` (2 = first retry), per the policy's backoff and jitter. */
export function backoffDelay(
  policy: RetryPolicy,
  next: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(0, next - 2);
  const raw =
    policy.backoff === "constant"
      ? policy.initialDelayMs
      : policy.initialDelayMs * policy.multiplier ** n;
  const capped = Math.min(policy.maxDelayMs, raw);
  return policy.jitter === "full" ? Math.round(random() * capped) : Math.round(capped);
}

/**
 * Whether a failed attempt may be repeated. A request that may have reached the server (a timeout
 * or a reset after sending) is repeated only when repeating it cannot change the outcome.
 */
export function shouldRetry(
  error: unknown,
  spec: OperationSpec,
  policy: RetryPolicy,
  attempt: number,
): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (!(error instanceof CachifyError) || error.errorClass === undefined) return false;
  if (!policy.retryOn.includes(error.errorClass)) return false;
  if (error.ambiguous && !spec.idempotent) return false;
  return true;
}
