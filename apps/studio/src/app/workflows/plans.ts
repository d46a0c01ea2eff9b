import {
  badInput,
  CachifyError,
  type ConnectionProfile,
  defaultPolicy,
  engineFit,
  estimateDurationMs,
  isUploadedNote,
  newId,
  notFound,
  type OperationGate,
  type Origin,
  type PlanRecord,
  type PlanRepository,
  type PolicyInput,
  type ProviderPool,
  planParams,
  previewRow,
  resolvePolicy,
  toCachifyError,
  validateSpec,
} from "@cachify/core";
import { checkAccess } from "./access.ts";
import type { WorkflowEvents } from "./events.ts";
import { pathRefused, uploadGone } from "./params.ts";
import { PlanBuilder } from "./planner.ts";
import type { TemplateCatalog } from "./templates.ts";

export const MAX_PAGE_SIZE = 1000;

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

export interface PlanDeps {
  gate: OperationGate;
  pool: ProviderPool;
  repo: PlanRepository;
  templates: TemplateCatalog;
  events: WorkflowEvents;
  resolveProfile(ref: string): ConnectionProfile;
  /**
   * Why the gate takes no snapshots now, naming the switch that turned them off (undefined when
   * it takes them): the plan's rollback coverage.
   */
  snapshotsOff: () => string | undefined;
  /** Keys whose values are not snapshotted (sensitive patterns without opt-in), if any. */
  unsnapshotted?: () => { matches: (key: Uint8Array) => boolean; patterns: string[] } | undefined;
}

/**
 * Dry-runs: a plan lists, counts and stores the keys an execution would change, with what would
 * change, while nothing changes on the server; its preview is read a page at a time.
 */
export class PlanService {
  private readonly building = new Map<string, Building>();

  constructor(private readonly d: PlanDeps) {}

  /**
   * Starts a dry-run. Nothing changes on the server: it lists, counts and stores the keys that
   * would change, with what would change. Resolves when the count is final (or the first page is
   * in, for a UI that shows it at once while the count goes on).
   */
  async plan(req: PlanRequest): Promise<PlanRecord> {
    const { profile } = req;
    const { spec, template, policyInput } = this.d.templates.resolve(
      req.template,
      req.params ?? {},
      req.policy,
    );
    if (spec.builtin === "warmup-set" && spec.params.file !== undefined && req.origin !== "cli") {
      throw pathRefused();
    }
    if (isUploadedNote(req.params?.content)) throw uploadGone(req.params!.content as string);
    const policy = resolvePolicy(defaultPolicy(profile), policyInput);
    const provider = this.d.pool.get(profile);
    const caps = provider.capabilities();
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
    this.d.repo.create(plan);
    const controller = new AbortController();
    const writer = this.d.repo.writer(plan.planId);
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
      keyProblem: (key) => provider.keyProblem(key),
      writer,
      ...(sensitive ? { sensitive: sensitive.matches } : {}),
      checkAccess: (sample) =>
        checkAccess({
          gate: this.d.gate,
          profile,
          caps,
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
          this.d.events.emit({ event: "plan-progress", planId: plan.planId, ...p });
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
    this.d.repo.save(plan);
    this.building.delete(plan.planId);
    wake(true);
    this.d.events.emit({ event: "plan-finished", plan });
    return plan;
  }

  get(planId: string): PlanRecord {
    const plan = this.d.repo.get(planId);
    if (!plan) {
      throw notFound(`No plan ${planId}: make a dry-run first (cachify workflow plan ...).`);
    }
    return plan;
  }

  list(q: { profileId?: string; limit?: number } = {}): PlanRecord[] {
    return this.d.repo.list(q);
  }

  cancel(planId: string): PlanRecord {
    const b = this.building.get(planId);
    if (b) b.controller.abort(new CachifyError("bad-input", "The dry-run was cancelled."));
    return this.get(planId);
  }

  /** Waits for a plan still building (tests, the CLI). */
  async settled(planId: string): Promise<PlanRecord> {
    const b = this.building.get(planId);
    if (b) await b.done.catch(() => {});
    return this.get(planId);
  }

  /**
   * One page of a plan's preview: the planned keys [page × pageSize, +pageSize) from the store,
   * each with its state now (type, TTL) and what the execution would do to it.
   */
  async page(planId: string, page: number, pageSize: number, origin: Origin) {
    if (!Number.isInteger(page) || page < 0) {
      throw badInput("page must be a whole number, 0 or more (0 is the first page).", {
        param: "page",
      });
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw badInput(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`, {
        param: "pageSize",
      });
    }
    const live = this.building.get(planId);
    const stored = this.get(planId);
    const plan: PlanRecord = live ? { ...stored, ...(await this.liveCounts(planId)) } : stored;
    const spec = validateSpec(plan.template.builtin, plan.params);
    const items = this.d.repo.items(planId, page * pageSize, pageSize);
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

  /** The studio closes: dry-runs in progress stop. */
  async close(): Promise<void> {
    for (const b of this.building.values()) b.controller.abort(new Error("studio closed"));
    await Promise.allSettled([...this.building.values()].map((b) => b.done));
  }
}
