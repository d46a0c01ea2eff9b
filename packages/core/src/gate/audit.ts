import type { CachifyError } from "../common/errors.ts";
import type { HistoryEvent, Outcome } from "../history/event.ts";
import { auditKey, type KeyRedactor, redactKeysInText } from "../history/redaction.ts";
import { type OperationSpec, operationKeys } from "../operations/classify.ts";
import type { RawSpec } from "../operations/raw-classify.ts";
import type { GateRun } from "./run.ts";

/** What the audit stage records of one finished operation. */
export interface Finished {
  outcome: Outcome;
  attempts: number;
  durationMs: number;
  error?: CachifyError;
  snapshotCount?: number;
}

/** The keys an operation touched: a console command's come from its key positions. */
export function touchedKeys(run: GateRun, spec: OperationSpec): Uint8Array[] {
  const { op } = run;
  return op.kind === "raw" && "keyIndexes" in spec
    ? (spec as RawSpec).keyIndexes.map((i) => op.args[i]!).filter(Boolean)
    : operationKeys(op);
}

/**
 * The history event of one operation: no values, at most `keyLimit` key names (sensitive ones as
 * prefix + keyed hash), and the error's message with those names redacted too.
 */
export function auditEvent(
  run: GateRun,
  spec: OperationSpec,
  f: Finished,
  keyLimit: number,
  redactor: KeyRedactor | undefined,
): HistoryEvent {
  const { profile, op, ctx } = run;
  const keys = touchedKeys(run, spec);
  const event: HistoryEvent = {
    id: run.operationId,
    ts: Date.now(),
    source: "app",
    kind: op.kind,
    severity: f.outcome === "ok" ? "info" : f.outcome === "refused" ? "warning" : "error",
    profileId: profile.id,
    profileName: profile.name,
    environment: profile.environment,
    origin: ctx.origin,
    operation: spec.class,
    durationMs: Math.round(f.durationMs * 1000) / 1000,
    outcome: f.outcome,
    attempts: f.attempts,
    count: 1,
  };
  if (keys.length > 0) {
    event.keys = keys.slice(0, keyLimit).map((k) => auditKey(k, redactor));
    event.keyCount = keys.length;
  }
  if (ctx.executionId) event.executionId = ctx.executionId;
  if (f.snapshotCount) event.snapshots = f.snapshotCount;
  // The console's command name is safe to keep; its other arguments may be values.
  if ("command" in spec)
    event.operation = `${spec.class} ${(spec as RawSpec).command.toUpperCase()}`;
  if (f.error) {
    event.errorCode = f.error.code;
    if (f.error.errorClass) event.errorClass = f.error.errorClass;
    event.message = redactKeysInText(f.error.message, keys, redactor);
  }
  return event;
}
