import type { Confirmation } from "../guardrails/confirmation.ts";
import type { Origin } from "../history/event.ts";
import type { Operation } from "../operations/operation.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import type { AttemptPolicy, ConfirmationScope } from "./approvals.ts";

export interface GateContext {
  origin: Origin;
  confirmation?: Confirmation;
  executionId?: string;
  /**
   * The workflow execution a batch step belongs to. Bulk operations run only when it names an
   * execution the gate approved (`approvePlan`) after the plan was confirmed; its confirmation then
   * stands for the guardrail of each step.
   */
  execution?: { executionId: string; planId: string };
  /**
   * The step attempt policy of a workflow execution (its step timeout, its own retries). Honoured
   * only inside an approved execution; every other operation runs with its profile's timeout and
   * retry policy.
   */
  attempts?: AttemptPolicy;
  /** A paged action's scope (`openScope`): a confirmation given once covers its later pages. */
  scope?: ConfirmationScope;
  /** Cancels the operation from outside (a closed request, a cancelled workflow). */
  signal?: AbortSignal;
}

/**
 * One operation on its way through the gate: what every stage reads, so stages take the run
 * rather than a row of positional parameters.
 */
export interface GateRun<O extends Operation = Operation> {
  profile: ConnectionProfile;
  op: O;
  ctx: GateContext;
  operationId: string;
  started: number;
  /** Provider calls made so far (the pre-checks included): all bounded by one retry policy. */
  attempts: number;
  /** The profile's timeout and retry, or the approved execution's step policy. */
  policy: AttemptPolicy;
}
