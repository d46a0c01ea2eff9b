import {
  type ApprovedRun,
  type AttemptRecord,
  CachifyError,
  type ConnectionProfile,
  conditionFor,
  countsOf,
  type ExecutionCounts,
  type ExecutionRepository,
  ExecutionRunner,
  type KeyRedactor,
  type Operation,
  type OperationGate,
  operationKeys,
  type PlanItem,
  type PlanRecord,
  type PlanRepository,
  RETRY_DISABLED,
  type RunnerResult,
  redactKeysInText,
  targetTtlSeconds,
  timeoutError,
  type WorkflowExecutionRecord,
  type WorkflowRollbackPort,
  type WorkflowSpec,
} from "@cachify/core";

/** Batches in flight at once: reading the next batch from the plan overlaps the writes. */
const CONCURRENCY = 4;
/** How often counts are written to the store and pushed to listeners. */
const PERSIST_MS = 1000;
const PUSH_MS = 250;

export interface ExecutionEvents {
  progress(record: WorkflowExecutionRecord, rate: number, etaMs: number | null): void;
}

interface Batch {
  index: number;
  size: number;
  op: Operation;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    // The listener goes when the wait ends: the runner's signal lives as long as the execution
    // and would otherwise keep one listener per rate-limit wait (thousands on a big plan).
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** The batch operation for a slice of the plan. */
export function batchOp(spec: WorkflowSpec, plan: PlanRecord, items: PlanItem[]): Operation {
  const keys = items.map((i) => i.key);
  const nodes =
    plan.nodes && items.some((i) => i.node !== undefined)
      ? items.map((i) => plan.nodes![i.node!]!)
      : undefined;
  switch (spec.builtin) {
    case "delete-by-pattern":
      return { kind: "deleteBatch", keys, ...(nodes ? { nodes } : {}) };
    case "ttl-normalize":
      return {
        kind: "expireBatch",
        keys,
        ttlSeconds: items.map((i) => i.ttlSeconds ?? targetTtlSeconds(spec.params, i.key)),
        condition: conditionFor(spec.params.mode),
        ...(nodes ? { nodes } : {}),
      };
    case "warmup-set": {
      // Plan items carry key, value and TTL already: passed as they are (a million-key warm-up
      // would otherwise copy a million objects); an item without a value writes an empty one.
      for (const i of items) i.value ??= new Uint8Array();
      return {
        kind: "setBatch",
        condition: spec.params.condition,
        items: items as { key: Uint8Array; value: Uint8Array; ttlSeconds?: number }[],
      };
    }
  }
}

/**
 * Runs one execution: streams the plan's keys from the store in batches (constant memory),
 * several batches in flight, each through the gate inside the approved execution, with the
 * workflow's own retry (the gate's is turned off for steps so each attempt is recorded once),
 * abort rules, rate limit, progress and a durable record.
 */
export class ExecutionJob {
  readonly runner: ExecutionRunner<Batch>;
  private attempts: AttemptRecord[] = [];
  private lastPersist = 0;
  private lastPush = 0;
  private samples: { t: number; done: number }[] = [];
  private interruptedBy: string | undefined;
  readonly done: Promise<WorkflowExecutionRecord>;

  constructor(
    private readonly d: {
      gate: OperationGate;
      /** The gate's approval of this execution: revoked when it ends, its rollback included. */
      approval: ApprovedRun;
      plans: PlanRepository;
      executions: ExecutionRepository;
      profile: ConnectionProfile;
      plan: PlanRecord;
      spec: WorkflowSpec;
      record: WorkflowExecutionRecord;
      events: ExecutionEvents;
      rollback?: WorkflowRollbackPort;
      /** Redaction rules: sensitive key names in batch errors become prefix + keyed hash. */
      redactor?: KeyRedactor;
    },
  ) {
    const { plan, record, spec, profile } = d;
    const policy = record.policy;
    let offset = 0;
    let index = 0;
    const plans = d.plans;
    const batches: Iterator<Batch> = {
      next: () => {
        if (offset >= plan.matched) return { done: true, value: undefined };
        const items = plans.items(plan.planId, offset, policy.batchSize);
        if (items.length === 0) return { done: true, value: undefined };
        offset += items.length;
        return {
          done: false,
          value: { index: index++, size: items.length, op: batchOp(spec, plan, items) },
        };
      },
    };
    // Steps run with the workflow's step timeout and without the gate's own retry loop (the
    // runner retries, so each attempt is recorded once): the execution's attempt policy.
    const ctx = {
      origin: "workflow" as const,
      executionId: record.executionId,
      execution: { executionId: record.executionId, planId: plan.planId },
      attempts: { timeoutMs: policy.stepTimeoutMs, retry: { ...RETRY_DISABLED, maxAttempts: 1 } },
    };
    this.runner = new ExecutionRunner<Batch>({
      step: "apply",
      policy,
      planned: plan.matched,
      concurrency: CONCURRENCY,
      batches,
      execute: (b, _attempt, signal) => this.step(profile, b, { ...ctx, signal }),
      onAttempt: (a) => {
        this.attempts.push(a);
        const step = record.steps[0]!;
        step.attempts++;
        if (a.attempt > 1) step.retries++;
        if (a.outcome === "ok" || a.attempt === 1)
          step.batches = Math.max(step.batches, a.batch + 1);
      },
      onProgress: (c) => this.progress(c),
      sleep,
      now: Date.now,
    });
    this.done = this.run();
  }

  /**
   * One batch through the gate. Its errors name keys ("session:42: WRONGTYPE …"): those matching
   * a sensitive pattern are redacted before they reach the attempt record, the abort reason or
   * the execution's error.
   */
  private async step(
    profile: ConnectionProfile,
    b: Batch,
    ctx: Parameters<OperationGate["run"]>[2],
  ): Promise<{ applied: number; skipped: number; failed: number; errors?: string[] }> {
    const redactor = this.d.redactor;
    try {
      const out = (await this.d.gate.run(profile, b.op, ctx)) as {
        applied: number;
        skipped: number;
        failed: number;
        errors?: string[];
      };
      if (redactor && out.errors?.length) {
        const keys = operationKeys(b.op);
        out.errors = out.errors.map((m) => redactKeysInText(m, keys, redactor));
      }
      return out;
    } catch (e) {
      if (redactor && e instanceof Error) {
        e.message = redactKeysInText(e.message, operationKeys(b.op), redactor);
      }
      throw e;
    }
  }

  /** The studio is closing: stop, and record the execution as interrupted (not cancelled). */
  interrupt(reason: string): void {
    this.interruptedBy = reason;
    this.runner.cancel();
  }

  private progress(c: ExecutionCounts): void {
    const r = this.d.record;
    Object.assign(r, c);
    const now = Date.now();
    this.samples.push({ t: now, done: c.processed + c.failed });
    while (this.samples.length > 2 && now - this.samples[0]!.t > 5000) this.samples.shift();
    if (now - this.lastPersist >= PERSIST_MS) this.persist();
    if (now - this.lastPush >= PUSH_MS) this.push();
  }

  private rate(): number {
    const s = this.samples;
    if (s.length < 2) return 0;
    const a = s[0]!;
    const b = s[s.length - 1]!;
    return b.t > a.t ? ((b.done - a.done) * 1000) / (b.t - a.t) : 0;
  }

  private push(): void {
    this.lastPush = Date.now();
    const r = this.d.record;
    const rate = this.rate();
    const left = r.planned - r.processed - r.failed;
    this.d.events.progress(r, rate, rate > 0 ? Math.round((left / rate) * 1000) : null);
  }

  private persist(): void {
    this.lastPersist = Date.now();
    const batch = this.attempts;
    this.attempts = [];
    this.d.record.attemptCount += batch.length;
    try {
      this.d.executions.appendAttempts(this.d.record.executionId, batch);
      this.d.executions.save(this.d.record);
    } catch (e) {
      console.error(`cachify: could not record execution progress: ${(e as Error).message}`);
    }
  }

  private async run(): Promise<WorkflowExecutionRecord> {
    const r = this.d.record;
    const step = r.steps[0]!;
    step.status = "running";
    step.startedAt = Date.now();
    this.persist();
    this.push();
    const timer =
      r.policy.executionTimeoutMs !== undefined
        ? setTimeout(
            () =>
              this.runner.timeout(
                timeoutError(r.policy.executionTimeoutMs!, `Workflow ${r.template.name}`),
              ),
            r.policy.executionTimeoutMs,
          )
        : undefined;
    let result: RunnerResult;
    try {
      result = await this.runner.run();
    } catch (e) {
      const err = e instanceof CachifyError ? e : new CachifyError("internal", String(e));
      result = {
        status: "failed",
        counts: countsOf(r),
        error: { code: err.code, message: err.message },
        abortReason: err.message,
        batches: step.batches,
        attempts: step.attempts,
        retries: step.retries,
      };
    } finally {
      if (timer) clearTimeout(timer);
    }
    Object.assign(r, result.counts);
    step.endedAt = Date.now();
    step.batches = result.batches;
    r.status = result.status;
    step.status = result.status === "succeeded" ? "succeeded" : result.status;
    if (this.interruptedBy && result.status === "cancelled") {
      r.status = "interrupted";
      step.status = "interrupted";
      r.abortReason = this.interruptedBy;
    }
    if (result.abortReason) {
      r.abortReason = result.abortReason;
      step.message = result.abortReason;
    }
    if (result.error) r.error = result.error;
    try {
      // The plan's confirmation covers its own rollback: the approval ends after it.
      if (result.status === "aborted" && r.policy.onAbort === "stopAndRollback") {
        await this.rollback();
      }
    } finally {
      this.d.approval.revoke();
    }
    r.endedAt = Date.now();
    this.persist();
    this.push();
    return r;
  }

  /** onAbort stopAndRollback: puts back what the execution changed, from its snapshots. */
  private async rollback(): Promise<void> {
    const r = this.d.record;
    const step = {
      name: "rollback",
      status: "running" as const,
      startedAt: Date.now(),
      batches: 0,
      attempts: 0,
      retries: 0,
    };
    r.steps.push(step);
    const done = r.steps[r.steps.length - 1]!;
    if (!this.d.rollback || r.rollback.coverage === "none") {
      done.status = "skipped";
      done.endedAt = Date.now();
      done.message = `Rollback not available: ${r.rollback.reason}.`;
      r.rollbackResult = { restored: 0, skipped: 0, failed: 0, message: done.message };
      return;
    }
    try {
      const out = await this.d.rollback.rollbackExecution(r.executionId, r.profileId, {
        executionId: r.executionId,
        planId: r.planId,
      });
      r.rollbackResult = out;
      done.status = out.failed > 0 ? "failed" : "succeeded";
      if (out.failed === 0) r.status = "rolled-back";
      if (out.message) done.message = out.message;
    } catch (e) {
      done.status = "failed";
      done.message = `Rollback failed: ${(e as Error).message}`;
      r.rollbackResult = { restored: 0, skipped: 0, failed: 0, message: done.message };
    }
    done.endedAt = Date.now();
  }
}
