export { type ApprovedExecution, ExecutionApprovals } from "./approvals.ts";
export { type GateContext, type GateDeps, OperationGate, type OperationSample } from "./gate.ts";
export { ProviderPool } from "./provider-pool.ts";
export { backoffDelay, shouldRetry } from "./retry.ts";
export { assertTicket, type GateTicket } from "./ticket.ts";
export { timeoutError } from "./timeout.ts";
