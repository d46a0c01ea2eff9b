import { type CachifyError, toCachifyError } from "../common/errors.ts";
import { backoffDelay, shouldRetry } from "../gate/retry.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { BatchOutcome } from "../operations/operation.ts";
import type { AttemptRecord, ExecutionCounts, WorkflowExecutionPolicy } from "./types.ts";

/** Batch steps are idempotent (a fixed end state): a repeat after a lost reply is safe. */
const BATCH_SPEC: OperationSpec = { class: "destructive", idempotent: true, bulk: true };

export interface RunnerBatch {
  /** 0, 1, 2, ... in plan order. */
  index: number;
  /** Keys in the batch. */
  size: number;
}

export interface RunnerDeps<B extends RunnerBatch> {
  step: string;
  policy: WorkflowExecutionPolicy;
  /** Keys the plan counted (for drift and progress). */
  planned: number;
  /** Batches in flight at once (pipelining overlaps reading the plan with the writes). */
  concurrency: number;
  batches: AsyncIterator<B> | Iterator<B>;
  /** Runs one attempt of a batch; throws on a failure of the whole batch. */
  execute(batch: B, attempt: number, signal: AbortSignal): Promise<BatchOutcome>;
  onAttempt(a: AttemptRecord): void;
  onProgress(counts: ExecutionCounts): void;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): number;
  random?: () => number;
  /** True while an alert fires on the profile (abort rule onAlertFiring). */
  alertFiring?: () => boolean;
}

export interface RunnerResult {
  status: "succeeded" | "failed" | "aborted" | "cancelled";
  counts: ExecutionCounts;
  abortReason?: string;
  error?: { code: string; message: string };
  batches: number;
  attempts: number;
  retries: number;
}

type Stop =
  | { kind: "cancelled" }
  | { kind: "aborted"; reason: string; error?: CachifyError }
  | { kind: "timeout"; error: CachifyError };

/**
 * A batch that failed as a whole counts every key failed, except those the error says are final
 * already (`details.partial`: a provider that got answers for part of the batch before it gave up,
 * and resumes with the rest on a retry). Each key is counted once either way.
 */
function failedOutcome(err: CachifyError, size: number): BatchOutcome {
  const p = err.details?.partial as Partial<BatchOutcome> | undefined;
  const applied = Number.isInteger(p?.applied) ? p!.applied! : 0;
  const skipped = Number.isInteger(p?.skipped) ? p!.skipped! : 0;
  if (applied < 0 || skipped < 0 || applied + skipped > size) {
    return { applied: 0, skipped: 0, failed: size };
  }
  return { applied, skipped, failed: size - applied - skipped };
}

const isConnectionLoss = (e: CachifyError) =>
  e.code === "connection" ||
  e.code === "timeout" ||
  e.errorClass === "connection" ||
  e.errorClass === "timeout-ambiguous";

/**
 * Runs the batches of one step with bounded concurrency, an optional rate limit, a retry policy
 * per batch (backoff with jitter, every attempt recorded) and the abort rules. Pure: the batch
 * work, the clock and sleeping are handed in.
 */
export class ExecutionRunner<B extends RunnerBatch> {
  private stop: Stop | undefined;
  /** Stops backoff and rate-limit waits at once (cancel, abort, timeout). */
  private readonly waits = new AbortController();
  /** Aborts batches in flight (execution timeout only: a cancel lets them finish). */
  private readonly hard = new AbortController();
  private readonly counts: ExecutionCounts;
  private consecutiveFailures = 0;
  private batchCount = 0;
  private attempts = 0;
  private retries = 0;
  private dispatchedKeys = 0;
  private startedAt = 0;

  constructor(private readonly d: RunnerDeps<B>) {
    this.counts = { planned: d.planned, processed: 0, applied: 0, skipped: 0, failed: 0 };
  }

  /** Stops dispatching; batches in flight finish; the result says cancelled. */
  cancel(): void {
    this.halt({ kind: "cancelled" });
  }

  /** Aborts now, batches in flight included (the execution timeout). */
  timeout(error: CachifyError): void {
    this.halt({ kind: "timeout", error });
    this.hard.abort(error);
  }

  /** Aborts from outside (an abort rule the caller watches). */
  abort(reason: string): void {
    this.halt({ kind: "aborted", reason });
  }

  get stopped(): boolean {
    return this.stop !== undefined;
  }

  private halt(stop: Stop): void {
    if (this.stop) return;
    this.stop = stop;
    this.waits.abort(new Error(stop.kind));
  }

  async run(): Promise<RunnerResult> {
    this.startedAt = this.d.now();
    const inflight = new Set<Promise<void>>();
    while (!this.stop) {
      const next = await this.d.batches.next();
      if (next.done || this.stop) break;
      const batch = next.value;
      await this.pace(batch.size);
      if (this.stop) break;
      this.dispatchedKeys += batch.size;
      const p: Promise<void> = this.runBatch(batch).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= Math.max(1, this.d.concurrency)) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    return this.result();
  }

  private result(): RunnerResult {
    const base = {
      counts: { ...this.counts },
      batches: this.batchCount,
      attempts: this.attempts,
      retries: this.retries,
    };
    const s = this.stop;
    if (!s) return { ...base, status: this.counts.failed > 0 ? "failed" : "succeeded" };
    if (s.kind === "cancelled") return { ...base, status: "cancelled" };
    if (s.kind === "timeout") {
      return {
        ...base,
        status: "failed",
        abortReason: s.error.message,
        error: { code: s.error.code, message: s.error.message },
      };
    }
    return {
      ...base,
      status: "aborted",
      abortReason: s.reason,
      ...(s.error ? { error: { code: s.error.code, message: s.error.message } } : {}),
    };
  }

  /** maxOpsPerSecond: keys are dispatched no faster than the rate, measured from the start. */
  private async pace(size: number): Promise<void> {
    const rate = this.d.policy.maxOpsPerSecond;
    if (!rate) return;
    const due = this.startedAt + (this.dispatchedKeys / rate) * 1000;
    const wait = due - this.d.now();
    if (wait > 0 || size > rate) {
      await this.d.sleep(Math.max(0, wait), this.waits.signal).catch(() => {});
    }
  }

  private async runBatch(batch: B): Promise<void> {
    const { policy } = this.d;
    let delayMs = 0;
    for (let attempt = 1; ; attempt++) {
      const start = this.d.now();
      this.attempts++;
      if (attempt > 1) this.retries++;
      try {
        const outcome = await this.d.execute(batch, attempt, this.hard.signal);
        this.d.onAttempt({
          step: this.d.step,
          batch: batch.index,
          attempt,
          start,
          end: this.d.now(),
          delayMs,
          keys: batch.size,
          outcome: "ok",
          ...(outcome.errors?.length ? { message: outcome.errors.slice(0, 3).join("; ") } : {}),
        });
        this.settle(batch, outcome, undefined);
        return;
      } catch (e) {
        const err = toCachifyError(e);
        this.d.onAttempt({
          step: this.d.step,
          batch: batch.index,
          attempt,
          start,
          end: this.d.now(),
          delayMs,
          keys: batch.size,
          outcome: "error",
          errorCode: err.code,
          ...(err.errorClass ? { errorClass: err.errorClass } : {}),
          message: err.message,
        });
        const stopping = this.stop !== undefined;
        if (stopping || !shouldRetry(err, BATCH_SPEC, policy.retry, attempt)) {
          this.settle(batch, failedOutcome(err, batch.size), err);
          return;
        }
        delayMs = backoffDelay(policy.retry, attempt + 1, this.d.random);
        try {
          await this.d.sleep(delayMs, this.waits.signal);
        } catch {
          this.settle(batch, failedOutcome(err, batch.size), err);
          return;
        }
      }
    }
  }

  /** Counts a finished batch and applies the abort rules. */
  private settle(batch: B, o: BatchOutcome, error: CachifyError | undefined): void {
    this.batchCount++;
    const c = this.counts;
    c.applied += o.applied;
    c.skipped += o.skipped;
    c.failed += o.failed;
    c.processed = c.applied + c.skipped;
    this.consecutiveFailures = error ? this.consecutiveFailures + 1 : 0;
    this.d.onProgress({ ...c });
    if (this.stop) return;
    const rules = this.d.policy.abort;
    if (error) {
      if (isConnectionLoss(error) && rules.onConnectionLost === "abort") {
        this.halt({
          kind: "aborted",
          reason: `connection lost (batch ${batch.index + 1} failed after its retries): ${error.message}`,
          error,
        });
        return;
      }
      if (
        rules.maxConsecutiveFailures !== undefined &&
        this.consecutiveFailures >= rules.maxConsecutiveFailures
      ) {
        this.halt({
          kind: "aborted",
          reason: `${this.consecutiveFailures} batches failed in a row (limit ${rules.maxConsecutiveFailures}): ${error.message}`,
          error,
        });
        return;
      }
    }
    const done = c.processed + c.failed;
    // The error ratio is judged once a fair sample is done (five batches, or the whole plan).
    const sample = Math.min(this.d.planned, 5 * this.d.policy.batchSize);
    if (rules.maxErrorRatio !== undefined && c.failed > 0 && done >= sample) {
      const ratio = c.failed / done;
      if (ratio > rules.maxErrorRatio) {
        this.halt({
          kind: "aborted",
          reason: `error ratio ${(ratio * 100).toFixed(1)}% is above the limit of ${(rules.maxErrorRatio * 100).toFixed(1)}% (${c.failed} of ${done} keys failed)`,
          ...(error ? { error } : {}),
        });
        return;
      }
    }
    if (rules.maxMatchedDrift !== undefined && this.d.planned > 0) {
      const drift = c.skipped / this.d.planned;
      if (drift > rules.maxMatchedDrift) {
        this.halt({
          kind: "aborted",
          reason: `the keys drifted from the plan: ${c.skipped} of ${this.d.planned} planned changes no longer apply (gone or changed since the dry-run), above the limit of ${(rules.maxMatchedDrift * 100).toFixed(1)}%; make a fresh dry-run`,
        });
        return;
      }
    }
    if (rules.onAlertFiring === "abort" && this.d.alertFiring?.()) {
      this.halt({ kind: "aborted", reason: "an alert is firing on this connection" });
    }
  }
}
