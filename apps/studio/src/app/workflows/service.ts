import {
  type ConnectionProfile,
  type ExecutionRepository,
  flattenPolicyInput,
  isUploadedNote,
  type KeyRedactor,
  type OperationGate,
  type Origin,
  type ParamChange,
  type PlanRecord,
  type PlanRepository,
  type PolicyInput,
  type ProviderPool,
  paramsDiff,
  planParams,
  type SavedTemplateRepository,
  specParams,
  validateSpec,
  type WorkflowRollbackPort,
} from "@cachify/core";
import { WorkflowEvents } from "./events.ts";
import { ExecutionService } from "./executions.ts";
import { mergeParams, uploadGone } from "./params.ts";
import { type PlanRequest, PlanService } from "./plans.ts";
import { TemplateCatalog } from "./templates.ts";

export type { WorkflowEvent } from "./events.ts";
export { PLAN_MAX_AGE_MS } from "./executions.ts";
export { mergeParams } from "./params.ts";
export { MAX_PAGE_SIZE, type PlanRequest } from "./plans.ts";

/** Stored plan keys are dropped after this long (the plan's record stays in history). */
export const PLAN_ITEMS_RETENTION_MS = 7 * 86_400_000;

export interface WorkflowDeps {
  gate: OperationGate;
  pool: ProviderPool;
  plans: PlanRepository;
  executions: ExecutionRepository;
  templates: SavedTemplateRepository;
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

/**
 * Safe automation (FR-V2-005..007), shared by the CLI and the API: templates
 * (`TemplateCatalog`), server-side dry-runs (`PlanService`), confirmed executions with a retry
 * policy and abort rules (`ExecutionService`), and reruns. Every cache call goes through the gate,
 * which also approves each execution.
 */
export class WorkflowService {
  readonly catalog: TemplateCatalog;
  private readonly planning: PlanService;
  private readonly runs: ExecutionService;
  private readonly events = new WorkflowEvents();

  constructor(private readonly d: WorkflowDeps) {
    this.catalog = new TemplateCatalog(d.templates);
    this.planning = new PlanService({
      gate: d.gate,
      pool: d.pool,
      repo: d.plans,
      templates: this.catalog,
      events: this.events,
      resolveProfile: d.resolveProfile,
      snapshotsOff: d.snapshotsOff,
      ...(d.unsnapshotted ? { unsnapshotted: d.unsnapshotted } : {}),
    });
    this.runs = new ExecutionService({
      gate: d.gate,
      plans: d.plans,
      executions: d.executions,
      events: this.events,
      getPlan: (id) => this.planning.get(id),
      resolveProfile: d.resolveProfile,
      ...(d.rollback ? { rollback: d.rollback } : {}),
      ...(d.planMaxAgeMs !== undefined ? { planMaxAgeMs: d.planMaxAgeMs } : {}),
      ...(d.redactor ? { redactor: d.redactor } : {}),
    });
  }

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

  subscribe(listener: Parameters<WorkflowEvents["subscribe"]>[0]): () => void {
    return this.events.subscribe(listener);
  }

  // The API and the CLI call these by their old names.
  templates = () => this.catalog.list();
  savedTemplate = (ref: string) => this.catalog.saved(ref);
  saveTemplate = (input: Parameters<TemplateCatalog["save"]>[0]) => this.catalog.save(input);
  removeTemplate = (ref: string) => this.catalog.remove(ref);
  plan = (req: PlanRequest) => this.planning.plan(req);
  getPlan = (planId: string) => this.planning.get(planId);
  listPlans = (q?: { profileId?: string; limit?: number }) => this.planning.list(q);
  cancelPlan = (planId: string) => this.planning.cancel(planId);
  settled = (planId: string) => this.planning.settled(planId);
  page = (planId: string, page: number, pageSize: number, origin: Origin) =>
    this.planning.page(planId, page, pageSize, origin);
  apply = (...a: Parameters<ExecutionService["apply"]>) => this.runs.apply(...a);
  cancel = (executionId: string) => this.runs.cancel(executionId);
  finished = (executionId: string) => this.runs.finished(executionId);
  execution = (executionId: string) => this.runs.get(executionId);
  executions = (q?: Parameters<ExecutionService["list"]>[0]) => this.runs.list(q);
  timeline = (...a: Parameters<ExecutionService["timeline"]>) => this.runs.timeline(...a);

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
    const ex = this.runs.get(executionId);
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
    const planned = await this.planning.plan({
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

  /** The studio closes: dry-runs stop, running executions stop and are recorded as interrupted. */
  async close(): Promise<void> {
    await Promise.all([this.planning.close(), this.runs.close()]);
  }
}
