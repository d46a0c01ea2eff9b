import type { ProviderPool } from "@cachify/core";
import {
  BUILTIN_TEMPLATES,
  badInput,
  CachifyError,
  type ConnectionProfile,
  defaultPolicy,
  type ExecutionRepository,
  enforceReadOnly,
  engineFit,
  estimateDurationMs,
  flattenPolicyInput,
  isBuiltinId,
  isUploadedNote,
  type KeyRedactor,
  newId,
  notFound,
  type OperationGate,
  type Origin,
  type ParamChange,
  PlanChallenges,
  type PlanConfirmation,
  type PlanRecord,
  type PlanRepository,
  type PolicyInput,
  paramsDiff,
  planParams,
  previewRow,
  type ReadOnlyPolicySource,
  resolvePolicy,
  type SavedTemplate,
  type SavedTemplateRepository,
  specParams,
  type TemplateRef,
  templateDescriptor,
  toCachifyError,
  validateSpec,
  type WorkflowExecutionRecord,
  type WorkflowRollbackPort,
  type WorkflowSpec,
} from "@cachify/core";
import { checkAccess } from "./workflow-access.ts";
import { ExecutionJob } from "./workflow-executor.ts";
import { PlanBuilder } from "./workflow-planner.ts";

export const MAX_PAGE_SIZE = 1000;
/** A plan older than this is stale: its count no longer says much; make a fresh dry-run. */
export const PLAN_MAX_AGE_MS = 60 * 60_000;
/** Stored plan keys are dropped after this long (the plan's record stays in history). */
export const PLAN_ITEMS_RETENTION_MS = 7 * 86_400_000;

/** Files are read where their user chose them: the CLI's own user. Over HTTP, contents only. */
const PATH_REFUSED =
  "Param file names a path on the studio's machine, which the studio reads only for its command line: upload the file's contents instead (param content; the web form does this with the file you pick), or run it with cachify workflow plan warmup-set --param file=PATH.";

/** What the studio pushes over its WebSocket as `{type: "workflow", ...}`. */
export type WorkflowEvent =
  | { event: "plan-progress"; planId: string; scanned: number; matched: number }
  | { event: "plan-finished"; plan: PlanRecord }
  | {
      event: "progress";
      executionId: string;
      planId: string;
      status: WorkflowExecutionRecord["status"];
      planned: number;
      processed: number;
      applied: number;
      skipped: number;
      failed: number;
      rate: number;
      etaMs: number | null;
    }
  | { event: "execution-finished"; execution: WorkflowExecutionRecord };

export interface WorkflowDeps {
  gate: OperationGate;
  pool: ProviderPool;
  plans: PlanRepository;
  executions: ExecutionRepository;
  templates: SavedTemplateRepository;
  policies: ReadOnlyPolicySource;
  resolveProfile(ref: string): ConnectionProfile;
  /**
   * Why the gate takes no snapshots now, naming the switch that turned them off (undefined when
   * it takes them): the plan's rollback coverage.
   */
  snapshotsOff: () => string | undefined;
  /** Keys whose values are not snapshotted (sensitive patterns without opt-in), if any. */
  unsnapshotted?: () => { matches: (key: Uint8Array) => boolean; patterns: string[] } | undefined;
  rollback?: WorkflowRollbackPort;
  planMaxAgeMs?: number;
  /** Redaction rules for execution records (sensitive key names in errors). */
  redactor?: KeyRedactor;
}

export interface PlanRequest {
  /** A built-in id or a saved template's name or id. */
  template: string;
  profile: ConnectionProfile;
  params?: Record<string, unknown>;
  policy?: PolicyInput;
  origin: Origin;
  /** complete: resolve once the count is final; first-page: once `firstPageSize` keys are in. */
  wait?: "complete" | "first-page";
  firstPageSize?: number;
  parent?: PlanRecord["parent"];
}

interface Building {
  controller: AbortController;
  done: Promise<PlanRecord>;
  written: () => number;
  waiters: { need: number; resolve: () => void }[];
}

/**
 * Safe automation (FR-V2-005..007): templates, server-side dry-runs, confirmed executions with a
 * retry policy and abort rules, history and reruns. Shared by the CLI and the API; every cache
 * call goes through the gate.
 */
export class WorkflowService {
  readonly challenges = new PlanChallenges();
  private readonly building = new Map<string, Building>();
  private readonly running = new Map<string, ExecutionJob>();
  private readonly listeners = new Set<(e: WorkflowEvent) => void>();

  constructor(private readonly d: WorkflowDeps) {}

  /** At open: executions left running and plans left building by a stopped studio. */
  recover(now = Date.now()): { interrupted: number } {
    const interrupted = this.d.executions.markInterrupted(now);
    for (const p of this.d.plans.list({ limit: 1000 })) {
      if (p.status !== "building") continue;
      p.status = "failed";
      p.error = {
        code: "internal",
        message: "The studio stopped while this dry-run was running: make a fresh one.",
      };
      this.d.plans.save(p);
    }
    try {
      this.d.plans.purgeItems(now - PLAN_ITEMS_RETENTION_MS);
    } catch {
      // Retention is housekeeping: a busy database is no reason not to start.
    }
    return { interrupted };
  }

  subscribe(listener: (e: WorkflowEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: WorkflowEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener must not break a workflow.
      }
    }
  }

  // ---- templates -------------------------------------------------------------------------

  templates() {
    return { builtin: BUILTIN_TEMPLATES, saved: this.d.templates.list() };
  }

  savedTemplate(ref: string): SavedTemplate {
    const t = this.d.templates.get(ref);
    if (!t) {
      const names = this.d.templates.list().map((x) => x.name);
      throw notFound(
        `No saved template "${ref}".${names.length ? ` Saved templates: ${names.join(", ")}.` : ""} Built-in templates: ${BUILTIN_TEMPLATES.map((b) => b.id).join(", ")}.`,
      );
    }
    return t;
  }

  /**
   * Saves a preset of a built-in: a new name creates it (version 1), an existing one is edited
   * and its version goes up. Params may leave out what each run gives (e.g. the pattern).
   */
  saveTemplate(input: {
    name: string;
    builtin?: string;
    params?: Record<string, unknown>;
    policy?: PolicyInput;
    description?: string;
    /** Replace the params instead of merging them over the saved ones. */
    replace?: boolean;
    /** Who saves it: only the CLI may preset a file path (it is its own user's). */
    origin?: Origin;
  }): SavedTemplate {
    const name = input.name.trim();
    if (name === "") throw badInput("A saved template needs a name.");
    if (isBuiltinId(name)) {
      throw badInput(`"${name}" is a built-in template's name: choose another name.`);
    }
    const existing = this.d.templates.get(name);
    const builtin = input.builtin ?? existing?.builtin;
    if (!builtin)
      throw badInput(
        `Say which built-in "${name}" presets: --from delete-by-pattern, ttl-normalize or warmup-set.`,
      );
    templateDescriptor(builtin);
    if (existing && existing.builtin !== builtin) {
      throw badInput(
        `Saved template "${name}" presets ${existing.builtin}, not ${builtin}: choose another name.`,
      );
    }
    const merged = input.replace
      ? { ...(input.params ?? {}) }
      : mergeParams(builtin, existing?.params ?? {}, input.params ?? {});
    if (merged.content !== undefined) {
      throw badInput(
        "A saved template keeps no uploaded file (param content): give the file at each run, or preset inline entries (param entries).",
      );
    }
    if (merged.file !== undefined && input.origin !== undefined && input.origin !== "cli") {
      throw badInput(PATH_REFUSED);
    }
    const params = partialParams(builtin, merged);
    const policy = { ...(existing?.policy ?? {}), ...flattenPolicyInput(input.policy ?? {}) };
    // The policy must make sense on its own (values checked against a neutral base).
    resolvePolicy(defaultPolicy(NEUTRAL_PROFILE), policy);
    const now = Date.now();
    const t: SavedTemplate = {
      id: existing?.id ?? newId("tpl"),
      name,
      builtin: builtin as SavedTemplate["builtin"],
      version: (existing?.version ?? 0) + 1,
      params,
      ...(Object.keys(policy).length ? { policy } : {}),
      ...((input.description ?? existing?.description) !== undefined
        ? { description: input.description ?? existing?.description }
        : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.d.templates.save(t);
    return t;
  }

  removeTemplate(ref: string): SavedTemplate {
    const t = this.savedTemplate(ref);
    this.d.templates.remove(t.id);
    return t;
  }

  // ---- plans -----------------------------------------------------------------------------

  private resolveTemplate(
    ref: string,
    params: Record<string, unknown>,
    policy: PolicyInput | undefined,
  ): { spec: WorkflowSpec; template: TemplateRef; policyInput: PolicyInput } {
    if (isBuiltinId(ref)) {
      const d = templateDescriptor(ref);
      return {
        spec: validateSpec(ref, params),
        template: { builtin: d.id, version: d.version, name: d.id },
        policyInput: flattenPolicyInput(policy ?? {}),
      };
    }
    const saved = this.savedTemplate(ref);
    return {
      spec: validateSpec(saved.builtin, mergeParams(saved.builtin, saved.params, params)),
      template: {
        builtin: saved.builtin,
        version: saved.version,
        savedTemplateId: saved.id,
        name: saved.name,
      },
      policyInput: { ...(saved.policy ?? {}), ...flattenPolicyInput(policy ?? {}) },
    };
  }

  /**
   * Starts a dry-run. Nothing changes on the server: it lists, counts and stores the keys that
   * would change, with what would change. Resolves when the count is final (or the first page is
   * in, for a UI that shows it at once while the count goes on).
   */
  async plan(req: PlanRequest): Promise<PlanRecord> {
    const { profile } = req;
    const { spec, template, policyInput } = this.resolveTemplate(
      req.template,
      req.params ?? {},
      req.policy,
    );
    if (spec.builtin === "warmup-set" && spec.params.file !== undefined && req.origin !== "cli") {
      throw badInput(PATH_REFUSED);
    }
    if (isUploadedNote(req.params?.content)) throw uploadGone(req.params!.content as string);
    const policy = resolvePolicy(defaultPolicy(profile), policyInput);
    const caps = this.d.pool.get(profile).capabilities();
    const { notes } = engineFit(spec, caps);
    const snapshotsOff = this.d.snapshotsOff();
    const snapshots = snapshotsOff === undefined && caps.dumpRestore;
    const rollback = snapshotsOff
      ? { coverage: "none" as const, reason: snapshotsOff }
      : !caps.dumpRestore
        ? {
            coverage: "none" as const,
            reason: caps.reasons.dumpRestore ?? "this engine cannot take snapshots",
          }
        : {
            coverage: "full" as const,
            reason: "each key's pre-image is saved before its batch is sent",
          };
    const plan: PlanRecord = {
      planId: newId("plan"),
      template,
      // Uploaded content is kept as its size: the entries themselves go to the sealed chunks.
      params: planParams(spec),
      policy,
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      engine: profile.engine,
      createdAt: Date.now(),
      status: "building",
      matched: 0,
      scanned: 0,
      complete: false,
      rollback,
      estimatedDurationMs: 0,
      notes,
      ...(req.parent ? { parent: req.parent } : {}),
    };
    this.d.plans.create(plan);
    const controller = new AbortController();
    const writer = this.d.plans.writer(plan.planId);
    const building: Building = {
      controller,
      written: () => writer.written,
      waiters: [],
      done: Promise.resolve(plan),
    };
    const wake = (final: boolean) => {
      building.waiters = building.waiters.filter((w) => {
        if (final || writer.written >= w.need) {
          w.resolve();
          return false;
        }
        return true;
      });
    };
    let lastEmit = 0;
    const sensitive = snapshots ? this.d.unsnapshotted?.() : undefined;
    const builder = new PlanBuilder(this.d.gate, {
      plan,
      spec,
      profile,
      caps,
      writer,
      ...(sensitive ? { sensitive: sensitive.matches } : {}),
      checkAccess: (sample) =>
        checkAccess({
          gate: this.d.gate,
          profile,
          spec,
          sample,
          ctx: { origin: req.origin },
          snapshots,
        }),
      // Cancelling a dry-run stops it between pages; a page in flight is let finish (aborting it
      // would drop the connection under the other operations in flight).
      ctx: { origin: req.origin },
      signal: controller.signal,
      onProgress: (p) => {
        plan.scanned = p.scanned;
        plan.matched = p.matched;
        wake(false);
        const now = Date.now();
        if (now - lastEmit > 200) {
          lastEmit = now;
          this.emit({ event: "plan-progress", planId: plan.planId, ...p });
        }
      },
    });
    building.done = builder.build().then(
      (r) => {
        plan.matched = r.matched;
        plan.scanned = r.scanned;
        plan.complete = !controller.signal.aborted;
        plan.status = controller.signal.aborted ? "cancelled" : "ready";
        if (r.limitReached) plan.limitReached = true;
        if (r.duplicates) plan.duplicates = r.duplicates;
        if (r.unchanged) plan.unchanged = r.unchanged;
        if (r.nodes.length > 0) plan.nodes = r.nodes;
        if (r.bestEffort && !plan.notes.includes(r.bestEffort)) plan.notes.unshift(r.bestEffort);
        if (sensitive && r.sensitive > 0) {
          plan.rollback = {
            coverage: "partial",
            reason: `${r.sensitive.toLocaleString("en-US")} of ${r.matched.toLocaleString("en-US")} keys match sensitive key patterns (${sensitive.patterns.join(", ")}): their values are not snapshotted, so a rollback cannot put them back. Opt in per pattern under Settings → Snapshots.`,
          };
        }
        // What the user's permissions allow: the preview says what the apply will really do.
        if (r.access) plan.notes.push(r.access.note);
        if (r.access?.noRollback) plan.rollback = { coverage: "none", reason: r.access.noRollback };
        if (r.access?.skipSnapshots) plan.snapshots = false;
        const snapshotted = snapshots && plan.snapshots !== false;
        plan.estimatedDurationMs = estimateDurationMs(
          r.matched,
          profile.engine,
          policy,
          snapshotted,
        );
        plan.finishedAt = Date.now();
        return this.finishPlan(plan, wake);
      },
      (e) => {
        const err = toCachifyError(e);
        plan.status = controller.signal.aborted ? "cancelled" : "failed";
        plan.error = { code: err.code, message: err.message };
        plan.finishedAt = Date.now();
        this.finishPlan(plan, wake);
        throw err;
      },
    );
    this.building.set(plan.planId, building);
    if (req.wait === "first-page") {
      await Promise.race([
        new Promise<void>((resolve) =>
          building.waiters.push({ need: req.firstPageSize ?? 100, resolve }),
        ),
        building.done.catch(() => {}),
      ]);
      if (plan.status === "failed") await building.done;
      return plan;
    }
    return building.done;
  }

  private finishPlan(plan: PlanRecord, wake: (final: boolean) => void): PlanRecord {
    this.d.plans.save(plan);
    this.building.delete(plan.planId);
    wake(true);
    this.emit({ event: "plan-finished", plan });
    return plan;
  }

  getPlan(planId: string): PlanRecord {
    const plan = this.d.plans.get(planId);
    if (!plan) {
      throw notFound(`No plan ${planId}: make a dry-run first (cachify workflow plan ...).`);
    }
    return plan;
  }

  listPlans(q: { profileId?: string; limit?: number } = {}): PlanRecord[] {
    return this.d.plans.list(q);
  }

  cancelPlan(planId: string): PlanRecord {
    const b = this.building.get(planId);
    if (b) b.controller.abort(new CachifyError("bad-input", "The dry-run was cancelled."));
    return this.getPlan(planId);
  }

  /** Waits for a plan still building (tests, the CLI). */
  async settled(planId: string): Promise<PlanRecord> {
    const b = this.building.get(planId);
    if (b) await b.done.catch(() => {});
    return this.getPlan(planId);
  }

  /**
   * One page of a plan's preview: the planned keys [page × pageSize, +pageSize) from the store,
   * each with its state now (type, TTL) and what the execution would do to it.
   */
  async page(planId: string, page: number, pageSize: number, origin: Origin) {
    if (!Number.isInteger(page) || page < 0) {
      throw badInput("page must be a whole number, 0 or more (0 is the first page).");
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw badInput(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    const live = this.building.get(planId);
    const stored = this.getPlan(planId);
    const plan: PlanRecord = live ? { ...stored, ...(await this.liveCounts(planId)) } : stored;
    const spec = validateSpec(plan.template.builtin, plan.params);
    const items = this.d.plans.items(planId, page * pageSize, pageSize);
    let rows: ReturnType<typeof previewRow>[] = [];
    if (items.length > 0) {
      const profile = this.d.resolveProfile(plan.profileId);
      const nodes =
        plan.nodes && items.some((i) => i.node !== undefined)
          ? items.map((i) => plan.nodes![i.node!]!)
          : undefined;
      const states = await this.d.gate.run(
        profile,
        {
          kind: "inspectBatch",
          keys: items.map((i) => i.key),
          withType: true,
          ...(nodes ? { nodes } : {}),
        },
        { origin },
      );
      rows = items.map((item, i) => {
        const row = previewRow(spec, item, states[i]!);
        return item.node !== undefined && plan.nodes
          ? Object.assign(row, { node: plan.nodes[item.node] })
          : row;
      });
    }
    const total = plan.matched;
    return {
      plan,
      page,
      pageSize,
      pages: Math.max(1, Math.ceil(total / pageSize)),
      rows,
    };
  }

  private async liveCounts(planId: string): Promise<Partial<PlanRecord>> {
    const b = this.building.get(planId);
    return b ? { matched: b.written(), complete: false, status: "building" } : {};
  }

  // ---- executions ------------------------------------------------------------------------

  /**
   * Runs a plan. Checks in order: the plan is ready and fresh and has not run; the profile is not
   * read-only (403 / exit 3); the typed count (and name on prod) was given for this plan (428 /
   * exit 4). Then the gate is told this execution is approved, and the batches start.
   */
  async apply(
    planId: string,
    confirmation: PlanConfirmation | undefined,
    origin: Origin,
    opts: { wait?: boolean } = {},
  ): Promise<WorkflowExecutionRecord> {
    const plan = this.getPlan(planId);
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
    enforceReadOnly(
      profile,
      { class: "destructive", idempotent: true, bulk: true },
      `workflow ${plan.template.name}`,
      this.d.policies,
    );
    // Confirm against the profile as it is now (renamed, or moved to prod since the plan).
    const current = { ...plan, profileName: profile.name, environment: profile.environment };
    if (plan.matched > 0) this.challenges.check(current, origin, confirmation);
    const spec = validateSpec(plan.template.builtin, plan.params);
    const record: WorkflowExecutionRecord = {
      executionId: newId("exec"),
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
    if (!claim.claimed) throw alreadyApplied(planId, claim.by);
    try {
      this.d.executions.create(record);
    } catch (e) {
      this.d.plans.release(planId, record.executionId);
      throw e;
    }
    plan.executionId = record.executionId;
    this.d.plans.save(plan);
    this.d.gate.executions.approve({
      executionId: record.executionId,
      planId,
      profileId: profile.id,
      ...(plan.snapshots === false ? { snapshots: false as const } : {}),
    });
    const job = new ExecutionJob({
      gate: this.d.gate,
      ...(this.d.redactor ? { redactor: this.d.redactor } : {}),
      plans: this.d.plans,
      executions: this.d.executions,
      profile,
      plan,
      spec,
      record,
      events: {
        progress: (r, rate, etaMs) =>
          this.emit({
            event: "progress",
            executionId: r.executionId,
            planId,
            status: r.status,
            planned: r.planned,
            processed: r.processed,
            applied: r.applied,
            skipped: r.skipped,
            failed: r.failed,
            rate: Math.round(rate),
            etaMs,
          }),
      },
      ...(this.d.rollback ? { rollback: this.d.rollback } : {}),
    });
    this.running.set(record.executionId, job);
    const finished = job.done.then((r) => {
      this.running.delete(r.executionId);
      this.emit({ event: "execution-finished", execution: r });
      return r;
    });
    if (opts.wait) return finished;
    finished.catch(() => {});
    return { ...record };
  }

  cancel(executionId: string): WorkflowExecutionRecord {
    const job = this.running.get(executionId);
    const record = this.execution(executionId);
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
    return this.execution(executionId);
  }

  execution(executionId: string): WorkflowExecutionRecord {
    const r = this.d.executions.get(executionId);
    if (!r) throw notFound(`No execution ${executionId}: list them with cachify history list.`);
    return r;
  }

  executions(q: { profileId?: string; limit?: number; beforeId?: string } = {}) {
    return this.d.executions.list(q);
  }

  /** An execution with its steps and recorded attempts (errors first when there are many). */
  timeline(executionId: string, q: { limit?: number; errorsOnly?: boolean } = {}) {
    const execution = this.execution(executionId);
    return {
      execution,
      attempts: this.d.executions.attempts(executionId, q),
    };
  }

  /**
   * Rerun: the same template and params (or edited ones) on the same profile, as a fresh dry-run
   * that never runs by itself. The edits are returned as a diff.
   */
  async rerun(
    executionId: string,
    edits: Record<string, unknown>,
    origin: Origin,
    opts: { policy?: PolicyInput; wait?: PlanRequest["wait"] } = {},
  ): Promise<{ plan: PlanRecord; paramsDiff: ParamChange[] }> {
    const ex = this.execution(executionId);
    const plan = this.d.plans.get(ex.planId);
    const params = plan?.params ?? ex.params;
    const builtin = ex.template.builtin;
    const merged = mergeParams(builtin, params, edits);
    if (isUploadedNote(merged.content)) throw uploadGone(merged.content as string);
    const nextSpec = validateSpec(builtin, merged);
    const next = specParams(nextSpec);
    // Compared as plans keep them: an uploaded file shows as its size, not its text.
    const diff = paramsDiff(planParams(validateSpec(builtin, params)), planParams(nextSpec));
    const profile = this.d.resolveProfile(ex.profileId);
    const planned = await this.plan({
      template: builtin,
      profile,
      params: next,
      policy: { ...flattenPolicyInput(ex.policy), ...(opts.policy ?? {}) },
      origin,
      wait: opts.wait ?? "complete",
      parent: {
        executionId,
        kind: diff.length > 0 ? "rerun-with-edits" : "rerun",
        paramsDiff: diff,
      },
    });
    if (ex.template.savedTemplateId) {
      planned.template = { ...planned.template, ...ex.template };
      this.d.plans.save(planned);
    }
    return { plan: planned, paramsDiff: diff };
  }

  /** The studio closes: running executions stop and are recorded as interrupted. */
  async close(): Promise<void> {
    for (const b of this.building.values()) b.controller.abort(new Error("studio closed"));
    const jobs = [...this.running.values()];
    for (const j of jobs) j.interrupt("The studio was closed while this execution ran.");
    await Promise.allSettled([
      ...jobs.map((j) => j.done),
      ...[...this.building.values()].map((b) => b.done),
    ]);
  }
}

/** Policy checks for saved templates need a profile's defaults; these are the product's. */
const NEUTRAL_PROFILE = {
  timeoutMs: 5000,
  retry: {
    maxAttempts: 1,
    backoff: "exponential",
    initialDelayMs: 100,
    maxDelayMs: 2000,
    multiplier: 2,
    jitter: "full",
    retryOn: [],
  },
} as unknown as ConnectionProfile;

/** Overlays edits (any alias: ttl or ttlSeconds) on params; an empty value removes a param. */
export function mergeParams(
  builtin: string,
  base: Record<string, unknown>,
  edits: Record<string, unknown>,
): Record<string, unknown> {
  const d = templateDescriptor(builtin);
  const out: Record<string, unknown> = { ...base };
  // A warm-up's entries come from one place: one given in the edits replaces the base's.
  if (WARMUP_SOURCES.some((k) => edits[k] !== undefined && edits[k] !== "")) {
    for (const k of WARMUP_SOURCES) delete out[k];
  }
  for (const [name, value] of Object.entries(edits)) {
    const p = d.params.find((x) => x.name === name || x.aliases?.includes(name));
    if (!p) {
      throw badInput(
        `Template ${builtin} has no param "${name}": its params are ${d.params.map((x) => x.name).join(", ")}.`,
      );
    }
    if (value === "" || value === null || value === undefined) delete out[p.name];
    else out[p.name] = value;
  }
  return out;
}

/** Validates the params a saved template gives; the ones each run must give may be missing. */
function partialParams(builtin: string, params: Record<string, unknown>): Record<string, unknown> {
  const d = templateDescriptor(builtin);
  const filled: Record<string, unknown> = { ...params };
  if (d.id !== "warmup-set") {
    filled.pattern ??= "*";
    if (d.id === "ttl-normalize") filled.ttlSeconds ??= 1;
  } else if (filled.file === undefined && filled.entries === undefined) filled.entries = [];
  const typed = specParams(validateSpec(builtin, filled));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(params)) if (typed[k] !== undefined) out[k] = typed[k];
  return out;
}

const WARMUP_SOURCES = ["file", "content", "entries"];

/** Inline warm-up values stay out of execution records (history never holds values). */
function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(params.entries)) return params;
  return { ...params, entries: `<${params.entries.length} inline entries>` };
}

/** A rerun's change of inline entries, as an execution record keeps it (no values). */
function redactChange(c: ParamChange): ParamChange {
  const shown = (v: unknown) => (Array.isArray(v) ? `<${v.length} inline entries>` : v);
  return c.param === "entries" ? { ...c, from: shown(c.from), to: shown(c.to) } : c;
}

/** A plan keeps an upload as its size only: a new dry-run needs the file again. */
function uploadGone(note: string): CachifyError {
  return badInput(
    `The entries were uploaded (${note}) and are not kept: upload the file again (param content) for a new dry-run.`,
  );
}

function alreadyApplied(planId: string, executionId: string): CachifyError {
  return new CachifyError(
    "conflict",
    `Plan ${planId} is being applied or was applied by execution ${executionId}: a plan runs once. Make a new dry-run (cachify history rerun ${executionId}) to run it again.`,
    { details: { planId, executionId } },
  );
}
