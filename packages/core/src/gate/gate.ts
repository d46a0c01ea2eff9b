import { CachifyError, toCachifyError } from "../common/errors.ts";
import { newId } from "../common/ids.ts";
import { ChallengeRegistry } from "../guardrails/challenges.ts";
import type { Confirmation } from "../guardrails/confirmation.ts";
import { requiredLevel } from "../guardrails/confirmation.ts";
import { fingerprint } from "../guardrails/fingerprint.ts";
import { DEFAULT_GUARDRAIL_LEVELS, type GuardrailLevels } from "../guardrails/levels.ts";
import { keysToInspect, refineSpec } from "../guardrails/refine.ts";
import type { Origin, Outcome } from "../history/event.ts";
import { classify, OPERATION_SPECS, type OperationSpec } from "../operations/classify.ts";
import type { Operation, ResultOf } from "../operations/operation.ts";
import type { RawSpec } from "../operations/raw-classify.ts";
import { enforceReadOnly } from "../policy/read-only.ts";
import type { CacheProvider } from "../ports/cache-provider.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import { stateDigest } from "../snapshots/digest.ts";
import type { SnapshotBatch } from "../snapshots/snapshot.ts";
import { keysToSnapshot, knownAfterDigests, saveDurably } from "../snapshots/stage.ts";
import {
  type ApprovedRun,
  type ConfirmationScope,
  ConfirmationScopes,
  ExecutionApprovals,
} from "./approvals.ts";
import { auditEvent, type Finished } from "./audit.ts";
import { type Change, type ChangeContext, ChangeGuard } from "./change-guard.ts";
import { CommandTables } from "./command-tables.ts";
import { enforceConfirmation, operationNeed, type PlanToConfirm, planNeed } from "./confirm.ts";
import { defaultSleep, type GateDeps, type OperationSample } from "./deps.ts";
import { backoffDelay, shouldRetry } from "./retry.ts";
import type { GateContext, GateRun } from "./run.ts";
import { mintTicket } from "./ticket.ts";
import { withTimeout } from "./timeout.ts";

export type { GateDeps, OperationSample } from "./deps.ts";
export type { GateContext } from "./run.ts";

type SnapshotEntry = SnapshotBatch["entries"][number];
/** A saved pre-image whose key's state after the operation must be read back. */
type PendingAfter = { snapshotId: string; key: Uint8Array };
type SnapshotsTaken = { count: number; unknown: PendingAfter[] };

/** The spec of a workflow plan's run, as the read-only policy sees it. */
const PLAN_RUN_SPEC: OperationSpec = { class: "destructive", idempotent: true, bulk: true };

/** A plan to approve: the plan, who runs it, with what confirmation. */
export interface PlanApproval {
  profile: ConnectionProfile;
  plan: PlanToConfirm;
  origin: Origin;
  confirmation?: Confirmation | undefined;
  /** false: the dry-run found the user cannot take snapshots; steps run without them. */
  snapshots?: false;
}

/**
 * The operation gate: the only way to run an operation on a cache, and the only place its safety
 * checks run. Fixed pipeline:
 * classify → policy (read-only) → guardrail → snapshot → timeout + retry → provider → audit → metrics.
 * It also owns the approvals that let a confirmed action skip a repeated question: a plan's
 * execution (bulk steps) and a paged action's scope, and the guard of profile and policy changes.
 */
export class OperationGate {
  private readonly sleep: NonNullable<GateDeps["sleep"]>;
  private readonly challenges: ChallengeRegistry;
  private readonly executions = new ExecutionApprovals();
  private readonly scopes = new ConfirmationScopes();
  private readonly changes: ChangeGuard;
  private readonly commands = new CommandTables((profile, names, origin) =>
    this.run(profile, { kind: "commandInfo", names }, { origin }),
  );

  constructor(private readonly deps: GateDeps) {
    this.sleep = deps.sleep ?? defaultSleep;
    this.challenges = deps.challenges ?? new ChallengeRegistry();
    this.changes = new ChangeGuard({
      challenges: this.challenges,
      levels: () => this.levels(),
      history: deps.history,
    });
  }

  private levels(): GuardrailLevels {
    return this.deps.guardrails?.() ?? DEFAULT_GUARDRAIL_LEVELS;
  }

  /**
   * Approves running a reviewed plan: the profile must not be read-only (403 / exit 3) and the
   * typed count (and name on prod) must answer this plan (428 / exit 4). The approval lets the
   * execution's bulk steps run until it is revoked.
   */
  approvePlan(a: PlanApproval): ApprovedRun {
    enforceReadOnly(
      a.profile,
      PLAN_RUN_SPEC,
      `workflow ${a.plan.templateName}`,
      this.deps.policies,
    );
    if (a.plan.matched > 0)
      enforceConfirmation(planNeed(a.profile, a.plan), a.origin, a.confirmation, this.challenges);
    return this.executions.approve({
      planId: a.plan.planId,
      profileId: a.profile.id,
      ...(a.snapshots === false ? { snapshots: false as const } : {}),
    });
  }

  /** A scope for a paged action: pass it in each page's context, close it when done. */
  openScope(): ConfirmationScope {
    return this.scopes.create();
  }

  /** A profile or policy change: guarded like a destructive operation, and audited. */
  change<T>(change: Change, ctx: ChangeContext, apply: () => T): T {
    return this.changes.run(change, ctx, apply);
  }

  /** Classify stage. Raw commands are looked up in the server's own command table. */
  classify(profile: ConnectionProfile, op: Operation, ctx: GateContext) {
    return this.commands.classify(profile, op, ctx.origin);
  }

  async run<O extends Operation>(
    profile: ConnectionProfile,
    op: O,
    ctx: GateContext,
  ): Promise<ResultOf<O>> {
    const inExecution = op.kind !== "raw" && this.executions.covers(ctx.execution, profile.id);
    const run: GateRun<O> = {
      profile,
      op,
      ctx,
      operationId: newId("ev"),
      started: performance.now(),
      attempts: 0,
      policy:
        inExecution && ctx.attempts
          ? ctx.attempts
          : { timeoutMs: profile.timeoutMs, retry: profile.retry },
    };
    let spec: OperationSpec = classify(op);
    try {
      spec = await this.classify(profile, op, ctx);
      const what = "command" in spec ? (spec as RawSpec).command.toUpperCase() : op.kind;
      enforceReadOnly(profile, spec, what, this.deps.policies);
      // Raw FLUSHDB/FLUSHALL stay refused: only typed workflow batch steps run in an execution.
      if (spec.bulk && !inExecution) {
        throw new CachifyError(
          "confirmation-required",
          `${what} changes every key at once: run it as a workflow (delete by pattern) so you can review a dry-run and confirm the count.`,
          { details: { level: "plan-required", profile: profile.name } },
        );
      }
      const provider = this.deps.providers.get(profile);
      const levels = this.levels();
      spec = await this.refine(run, spec, provider, levels);
      if (!inExecution && !this.scopes.passed(ctx.scope, profile.id)) {
        const need = operationNeed({
          profile,
          spec,
          raw: op.kind === "raw",
          what,
          levels,
          fingerprint: () => fingerprint(profile.id, op),
        });
        enforceConfirmation(need, ctx.origin, ctx.confirmation, this.challenges);
        // Only a confirmation actually given stands for the later pages (a read asks none).
        if (need.level !== "none") this.scopes.grant(ctx.scope, profile.id);
      }
      const snapshots = await this.snapshot(run, spec, provider);
      const result = await this.attempt(run, spec, op, provider);
      await this.recordAfterState(run, snapshots.unknown, provider);
      this.finish(run, spec, "ok", undefined, snapshots.count);
      return result;
    } catch (e) {
      const err = toCachifyError(e);
      const outcome: Outcome =
        err.code === "read-only" || err.code === "confirmation-required"
          ? "refused"
          : err.code === "timeout"
            ? "timeout"
            : "error";
      this.finish(run, spec, outcome, err);
      throw err;
    }
  }

  /**
   * Looks at the key's current state when it decides the guard level (overwrite or create). Only
   * when a confirmation would be needed at all, and within the run's attempt policy.
   */
  private async refine(
    run: GateRun,
    spec: OperationSpec,
    provider: CacheProvider,
    levels: GuardrailLevels,
  ): Promise<OperationSpec> {
    const keys = keysToInspect(run.op);
    if (requiredLevel(run.profile, spec, false, levels) === "none") return spec;
    if (keys.length === 0) return refineSpec(run.op, spec, []);
    const info = await this.attempt(
      run,
      OPERATION_SPECS.describe,
      { kind: "describe", keys },
      provider,
    );
    return refineSpec(run.op, spec, info);
  }

  /**
   * Snapshot stage: the pre-image of every key the operation changes, read in one provider call
   * and made durable before the operation is sent. Engines without DUMP-like reads are skipped
   * (their capabilities say why); a pre-image that cannot be saved refuses the operation.
   */
  private async snapshot(
    run: GateRun,
    spec: OperationSpec,
    provider: CacheProvider,
  ): Promise<SnapshotsTaken> {
    const { profile, op, ctx } = run;
    const none = { count: 0, unknown: [] };
    const deps = this.deps.snapshots;
    if (!deps) return none;
    const policy = deps.policyFor(profile);
    if (!policy.enabled || !provider.capabilities().dumpRestore) return none;
    if (this.executions.withoutSnapshots(ctx.execution)) return none;
    const keys = keysToSnapshot(op, spec).filter((k) => !policy.excluded?.(k));
    if (keys.length === 0) return none;
    const dumps: SnapshotEntry[] = await this.attempt(
      run,
      OPERATION_SPECS.dump,
      { kind: "dump", keys },
      provider,
    );
    knownAfterDigests(op, dumps).forEach((known, i) => {
      if (known !== undefined) dumps[i]!.afterDigest = known;
    });
    const ids = saveDurably(
      deps.store,
      {
        operationId: run.operationId,
        profileId: profile.id,
        operation: op.kind,
        capturedAt: Date.now(),
        entries: dumps,
        ...(ctx.executionId ? { executionId: ctx.executionId } : {}),
      },
      `${op.kind} on "${profile.name}"`,
    );
    const unknown: PendingAfter[] = [];
    dumps.forEach((d, i) => {
      if (d.afterDigest === undefined) unknown.push({ snapshotId: ids[i]!, key: d.key });
    });
    return { count: dumps.length, unknown };
  }

  /** Reads back what the operation left, so a later change by someone else shows as a conflict. */
  private async recordAfterState(
    run: GateRun,
    unknown: PendingAfter[],
    provider: CacheProvider,
  ): Promise<void> {
    if (unknown.length === 0) return;
    try {
      // Its own attempt count: reading back does not use up the operation's retries.
      const after = await this.attempt(
        { ...run, attempts: 0 },
        OPERATION_SPECS.dump,
        { kind: "dump", keys: unknown.map((r) => r.key) },
        provider,
      );
      this.deps.snapshots?.store.setAfterDigests(
        unknown.map((r, i) => ({ snapshotId: r.snapshotId, afterDigest: stateDigest(after[i]!) })),
      );
    } catch {
      // The change went through; without its after-state a rollback asks before overwriting.
    }
  }

  /**
   * Timeout and retry stage: one provider call per attempt, each bounded by the run's timeout,
   * repeated per its retry policy (never after an ambiguous outcome unless idempotent). `op` is
   * the run's operation or one of its pre-reads (describe, dump), counted in the same attempts.
   */
  private async attempt<P extends Operation>(
    run: GateRun,
    spec: OperationSpec,
    op: P,
    provider: CacheProvider,
  ): Promise<ResultOf<P>> {
    const { ctx, profile, policy } = run;
    const operationId = newId("op");
    const retry =
      this.deps.features?.().retries === false ? { ...policy.retry, maxAttempts: 1 } : policy.retry;
    for (;;) {
      run.attempts++;
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(ctx.signal?.reason);
      ctx.signal?.addEventListener("abort", onOuterAbort, { once: true });
      try {
        const ticket = mintTicket({
          operationId,
          deadline: Date.now() + policy.timeoutMs,
          signal: controller.signal,
          attempt: run.attempts,
        });
        return await withTimeout(
          () => provider.execute(op, ticket),
          policy.timeoutMs,
          controller,
          `${op.kind} on "${profile.name}"`,
        );
      } catch (e) {
        if (ctx.signal?.aborted || !shouldRetry(e, spec, retry, run.attempts)) throw e;
        await this.sleep(backoffDelay(retry, run.attempts + 1), ctx.signal);
      } finally {
        ctx.signal?.removeEventListener("abort", onOuterAbort);
      }
    }
  }

  /** Audit and metrics stage. */
  private finish(
    run: GateRun,
    spec: OperationSpec,
    outcome: Outcome,
    error?: CachifyError,
    snapshotCount = 0,
  ): void {
    const f: Finished = {
      outcome,
      attempts: run.attempts,
      durationMs: performance.now() - run.started,
      snapshotCount,
      ...(error ? { error } : {}),
    };
    const { profile, op, ctx } = run;
    // The collector's polls (PING, INFO, SLOWLOG every few seconds) are not audited one by one:
    // it records health changes and engine events itself. Only reads: anything else is audited.
    const unaudited = ctx.origin === "collector" && spec.class === "read";
    try {
      if (!unaudited)
        this.deps.history.append(
          auditEvent(run, spec, f, this.deps.auditKeyLimit ?? 10, this.deps.redactor),
        );
    } catch (e) {
      // An audit that cannot be written must not pass silently: the operation already ran, so
      // report loudly to the log.
      console.error(`cachify: could not record history event: ${(e as Error).message}`);
    }
    const sample: OperationSample = {
      profileId: profile.id,
      environment: profile.environment,
      kind: op.kind,
      class: spec.class,
      durationMs: f.durationMs,
      outcome,
      attempts: run.attempts,
      origin: ctx.origin,
    };
    if (error?.errorClass) sample.errorClass = error.errorClass;
    for (const o of this.deps.observers ?? []) o(sample);
  }
}
