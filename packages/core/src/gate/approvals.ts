import { newId } from "../common/ids.ts";
import type { RetryPolicy } from "../profiles/profile.ts";

/** How long one provider call may take and how it is retried: per profile, or per run. */
export interface AttemptPolicy {
  timeoutMs: number;
  retry: RetryPolicy;
}

/** A confirmed plan's execution, as the gate approved it. */
export interface ApprovedRun {
  readonly executionId: string;
  readonly planId: string;
  /** Ends the approval: the execution's later operations are refused their bulk steps. */
  revoke(): void;
}

interface OpenExecution {
  executionId: string;
  planId: string;
  profileId: string;
  /** false: its dry-run found the user cannot take snapshots (no DUMP): steps run without them. */
  snapshots?: false;
}

/**
 * Bulk operations (workflow batch steps) run only inside an execution the gate approved after the
 * plan's typed confirmation (count, and name on prod) checked out; the approval ends with the
 * execution. A GateContext that merely names an execution id is not enough: the gate looks it up
 * here, for the same plan and profile. Only the gate writes this table.
 */
export class ExecutionApprovals {
  private readonly open = new Map<string, OpenExecution>();

  approve(e: Omit<OpenExecution, "executionId">): ApprovedRun {
    const executionId = newId("exec");
    this.open.set(executionId, { ...e, executionId });
    return { executionId, planId: e.planId, revoke: () => this.open.delete(executionId) };
  }

  /** True when `ref` names an open execution of this plan on this profile. */
  covers(ref: { executionId: string; planId: string } | undefined, profileId: string): boolean {
    if (!ref) return false;
    const e = this.open.get(ref.executionId);
    return e !== undefined && e.planId === ref.planId && e.profileId === profileId;
  }

  /** True when `ref` names an open execution approved to run without snapshots. */
  withoutSnapshots(ref: { executionId: string; planId: string } | undefined): boolean {
    if (!ref) return false;
    const e = this.open.get(ref.executionId);
    return e !== undefined && e.planId === ref.planId && e.snapshots === false;
  }
}

/**
 * One confirmation standing for a whole paged action (a rollback of many keys restored a page at
 * a time): once the first page passed the guardrail, the later pages on the same profile do not
 * ask again. Scopes are made by the gate only; one it did not make grants nothing.
 */
export interface ConfirmationScope {
  readonly scopeId: string;
  close(): void;
}

export class ConfirmationScopes {
  private readonly open = new Map<ConfirmationScope, Set<string>>();

  create(): ConfirmationScope {
    const scope: ConfirmationScope = {
      scopeId: newId("scope"),
      close: () => this.open.delete(scope),
    };
    this.open.set(scope, new Set());
    return scope;
  }

  passed(scope: ConfirmationScope | undefined, profileId: string): boolean {
    return scope !== undefined && this.open.get(scope)?.has(profileId) === true;
  }

  grant(scope: ConfirmationScope | undefined, profileId: string): void {
    if (scope) this.open.get(scope)?.add(profileId);
  }
}
