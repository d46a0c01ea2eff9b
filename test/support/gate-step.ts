import type {
  AttemptPolicy,
  ConnectionProfile,
  Operation,
  OperationGate,
  ResultOf,
} from "@cachify/core";

let n = 0;

/**
 * Runs one workflow batch step as the executor does: the gate approves a (one-key) plan confirmed
 * the CLI's way, the step runs inside that execution, and the approval ends with it.
 */
export function runStep<O extends Operation>(
  gate: OperationGate,
  profile: ConnectionProfile,
  op: O,
  attempts?: AttemptPolicy,
): Promise<ResultOf<O>> {
  const planId = `plan_step_${++n}`;
  const approval = gate.approvePlan({
    profile,
    plan: { planId, matched: 1, templateName: "test step" },
    origin: "cli",
    confirmation: { typedCount: "1", typedName: profile.name },
  });
  const execution = { executionId: approval.executionId, planId };
  return gate
    .run(profile, op, {
      origin: "workflow",
      executionId: execution.executionId,
      execution,
      ...(attempts ? { attempts } : {}),
    })
    .finally(() => approval.revoke());
}
