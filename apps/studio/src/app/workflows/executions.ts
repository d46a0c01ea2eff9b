import {
  CachifyError,
  type ConnectionProfile,
  countsOf,
  type ExecutionRepository,
  type KeyRedactor,
  notFound,
  type OperationGate,
  type Origin,
  type PlanConfirmation,
  type PlanRecord,
  type PlanRepository,
  planConfirmation,
  validateSpec,
  type WorkflowExecutionRecord,
  type WorkflowRollbackPort,
} from "@cachify/core";
import type { WorkflowEvents } from "./events.ts";
import { ExecutionJob } from "./executor.ts";
import { redactChange, redactParams } from "./params.ts";

/** A plan older than this is stale: its count no longer says much; make a fresh dry-run. */
export const PLAN_MAX_AGE_MS = 60 * 60_000;

export interface ExecutionDeps {
  gate: OperationGate;
  plans: PlanRepository;
  executions: ExecutionRepository;
  events: WorkflowEvents;
  getPlan(planId: string): PlanRecord;
  resolveProfile(ref: string): ConnectionProfile;
  rollback?: WorkflowRollbackPort;
  planMaxAgeMs?: number;
  /** Redaction rules for execution records (sensitive key names in errors). */
  redactor?: KeyRedactor;
}

/** Confirmed executions of plans: started, followed, cancelled, listed. */
export class ExecutionService {
  private readonly running = new Map<string, ExecutionJob>();

  constructor(private readonly d: ExecutionDeps) {}

  /**
   * Runs a plan. Checks in order: the plan is ready and fresh and has not run; then the gate's
   * approval (the profile is not read-only: 403 / exit 3; the typed count, and name on prod, was
   * given for this plan: 428 / exit 4); then the plan is claimed, and the batches start.
   */
  async apply(
    planId: string,
    confirmation: PlanConfirmation | undefined,
    origin: Origin,
    opts: { wait?: boolean } = {},
  ): Promise<WorkflowExecutionRecord> {
    const plan = this.d.getPlan(planId);
    if (plan.status === "building") {
      throw new CachifyError(
        "conflict",
        `Plan ${planId} is still counting: wait for the dry-run to finish, review it, then apply.`,
      );
    }
    if (plan.status !== "ready") {
      throw new CachifyError(
        "conflict",
        `Plan ${planId} ${plan.status === "failed" ? `failed (${plan.error?.message ?? "unknown error"})` : "was cancelled"}: make a fresh dry-run.`,
      );
    }
    if (plan.executionId) throw alreadyApplied(planId, plan.executionId);
    const maxAge = this.d.planMaxAgeMs ?? PLAN_MAX_AGE_MS;
    if (Date.now() - plan.createdAt > maxAge) {
      throw new CachifyError(
        "conflict",
        `Plan ${planId} is older than ${Math.round(maxAge / 60_000)} minutes: the keys may have changed since. Make a fresh dry-run.`,
      );
    }
    const profile = this.d.resolveProfile(plan.profileId);
    // The gate checks read-only and the typed count (and name on prod) against the profile as it
    // is now (renamed, or moved to prod since the plan), and approves the execution's bulk steps.
    const approval = this.d.gate.approvePlan({
      profile,
      plan: { planId, matched: plan.matched, templateName: plan.template.name },
      origin,
      confirmation: planConfirmation(confirmation),
      ...(plan.snapshots === false ? { snapshots: false as const } : {}),
    });
    const spec = validateSpec(plan.template.builtin, plan.params);
    const record: WorkflowExecutionRecord = {
      executionId: approval.executionId,
      planId,
      template: plan.template,
      params: redactParams(plan.params),
      policy: plan.policy,
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      origin,
      status: "running",
      planned: plan.matched,
      processed: 0,
      applied: 0,
      skipped: 0,
      failed: 0,
      steps: [{ name: "apply", status: "pending", batches: 0, attempts: 0, retries: 0 }],
      rollback: plan.rollback,
      startedAt: Date.now(),
      attemptCount: 0,
      ...(plan.parent
        ? {
            parentExecutionId: plan.parent.executionId,
            rerunKind: plan.parent.kind,
            paramsDiff: plan.parent.paramsDiff.map(redactChange),
          }
        : {}),
    };
    // The claim, not the check above, decides: two applies of one plan racing (in this process
    // or another on the same data folder) both passed the check; exactly one claims the plan.
    const claim = this.d.plans.claim(planId, record.executionId);
    if (!claim.claimed) {
      approval.revoke();
      throw alreadyApplied(planId, claim.by);
    }
    try {
      this.d.executions.create(record);
    } catch (e) {
      approval.revoke();
      this.d.plans.release(planId, record.executionId);
      throw e;
    }
    plan.executionId = record.executionId;
    this.d.plans.save(plan);
    const job = new ExecutionJob({
      gate: this.d.gate,
      approval,
      ...(this.d.redactor ? { redactor: this.d.redactor } : {}),
      plans: this.d.plans,
      executions: this.d.executions,
      profile,
      plan,
      spec,
      record,
      events: {
        progress: (r, rate, etaMs) =>
          this.d.events.emit({
            event: "progress",
            executionId: r.executionId,
            planId,
            status: r.status,
            ...countsOf(r),
            rate: Math.round(rate),
            etaMs,
          }),
      },
      ...(this.d.rollback ? { rollback: this.d.rollback } : {}),
    });
    this.running.set(record.executionId, job);
    const finished = job.done.then((r) => {
      this.running.delete(r.executionId);
      this.d.events.emit({ event: "execution-finished", execution: r });
      return r;
    });
    if (opts.wait) return finished;
    finished.catch(() => {});
    return { ...record };
  }

  cancel(executionId: string): WorkflowExecutionRecord {
    const job = this.running.get(executionId);
    const record = this.get(executionId);
    if (!job) {
      throw new CachifyError(
        "conflict",
        `Execution ${executionId} is not running (it is ${record.status}).`,
      );
    }
    job.runner.cancel();
    return record;
  }

  /** Waits for a running execution (tests, the CLI). */
  async finished(executionId: string): Promise<WorkflowExecutionRecord> {
    const job = this.running.get(executionId);
    if (job) await job.done;
    return this.get(executionId);
  }

  get(executionId: string): WorkflowExecutionRecord {
    const r = this.d.executions.get(executionId);
    if (!r) throw notFound(`No execution ${executionId}: list them with cachify history list.`);
    return r;
  }

  list(q: { profileId?: string; limit?: number; beforeId?: string } = {}) {
    return this.d.executions.list(q);
  }

  /** An execution with its steps and recorded attempts (errors first when there are many). */
  timeline(executionId: string, q: { limit?: number; errorsOnly?: boolean } = {}) {
    const execution = this.get(executionId);
    return {
      execution,
      attempts: this.d.executions.attempts(executionId, q),
    };
  }

  /** The studio closes: running executions stop and are recorded as interrupted. */
  async close(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const j of jobs) j.interrupt("The studio was closed while this execution ran.");
    await Promise.allSettled(jobs.map((j) => j.done));
  }
}

function alreadyApplied(planId: string, executionId: string): CachifyError {
  return new CachifyError(
    "conflict",
    `Plan ${planId} is being applied or was applied by execution ${executionId}: a plan runs once. Make a new dry-run (cachify history rerun ${executionId}) to run it again.`,
    { details: { planId, executionId } },
  );
}
