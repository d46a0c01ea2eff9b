import {
  CachifyError,
  type ConnectionProfile,
  type Operation,
  type OperationGate,
  type ResultOf,
} from "@cachify/core";

/** A read the collector makes: through the gate, bounded by its own timeout. */
export type CollectorRead = <O extends Operation>(
  p: ConnectionProfile,
  op: O,
  timeoutMs: number,
) => Promise<ResultOf<O>>;

/**
 * Reads through the gate with origin "collector", bounded by the collector's own timeout
 * (cancelled via the signal).
 */
export function collectorRead(gate: Pick<OperationGate, "run">): CollectorRead {
  return (p, op, timeoutMs) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new CachifyError(
            "timeout",
            `${op.kind} on "${p.name}" did not answer within ${timeoutMs.toLocaleString("en-US")} ms`,
            { errorClass: "timeout-ambiguous", retryable: true },
          ),
        ),
      timeoutMs,
    );
    return gate
      .run(p, op, { origin: "collector", signal: controller.signal })
      .finally(() => clearTimeout(timer));
  };
}
