export type { ApprovedRun, AttemptPolicy, ConfirmationScope } from "./approvals.ts";
export type { Change, ChangeContext } from "./change-guard.ts";
export type { PlanToConfirm } from "./confirm.ts";
export {
  type GateContext,
  type GateDeps,
  OperationGate,
  type OperationSample,
  type PlanApproval,
} from "./gate.ts";
export { ProviderPool } from "./provider-pool.ts";
export { backoffDelay, shouldRetry } from "./retry.ts";
export { assertTicket, type GateTicket } from "./ticket.ts";
export { timeoutError } from "./timeout.ts";
