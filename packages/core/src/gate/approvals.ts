/** An execution the workflow service approved after checking its plan's confirmation. */
export interface ApprovedExecution {
  executionId: string;
  planId: string;
  profileId: string;
  /** false: its dry-run found the user cannot take snapshots (no DUMP): steps run without them. */
  snapshots?: false;
}

/**
 * Bulk operations (workflow batch steps) run only inside an approved execution: the workflow
 * service approves one after the plan's typed confirmation (count, and name on prod) checked out,
 * and revokes it when the execution ends. A GateContext that merely names an execution id is not
 * enough: the gate looks the execution up here, for the same profile.
 */
export class ExecutionApprovals {
  private readonly open = new Map<string, ApprovedExecution>();

  approve(execution: ApprovedExecution): void {
    this.open.set(execution.executionId, execution);
  }

  revoke(executionId: string): void {
    this.open.delete(executionId);
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
