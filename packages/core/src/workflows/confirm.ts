import type { Confirmation } from "../guardrails/confirmation.ts";

/**
 * What a caller typed to run a plan, as the API and the CLI send it: the matched count, and the
 * profile name on prod (docs/design/safety.md#workflow-plans-the-typed-count). The gate checks
 * it (`OperationGate.approvePlan`) with its one challenge registry.
 */
export interface PlanConfirmation {
  count?: number | string;
  typedName?: string;
  /** The API's challenge being answered (bound to one plan, expiring, used once). */
  challengeId?: string;
}

/** The plan's typed answer as the gate's confirmation. */
export function planConfirmation(c: PlanConfirmation | undefined): Confirmation | undefined {
  if (!c) return undefined;
  return {
    ...(c.count !== undefined ? { typedCount: String(c.count) } : {}),
    ...(c.typedName !== undefined ? { typedName: c.typedName } : {}),
    ...(c.challengeId !== undefined ? { challengeId: c.challengeId } : {}),
  };
}
