import type {
  AlertOp,
  AlertReduce,
  AlertRule,
  AlertRuleInput,
  MetricInfo,
  Severity,
} from "../../api/observability.ts";
import type { Environment } from "../../api/types.ts";
import { durationText, parseDuration } from "../dashboard/format.ts";

export const OPS: AlertOp[] = [">", ">=", "<", "<=", "==", "!="];
export const REDUCES: { value: AlertReduce; label: string }[] = [
  { value: "last", label: "last value" },
  { value: "avg", label: "average" },
  { value: "max", label: "maximum" },
  { value: "rate", label: "rate per second" },
];
export const SEVERITIES: Severity[] = ["info", "warning", "error", "critical"];

export type Field =
  | "name"
  | "metric"
  | "reduce"
  | "window"
  | "op"
  | "threshold"
  | "forMs"
  | "repeat"
  | "severity"
  | "scope"
  | "form";

export interface Draft {
  name: string;
  metric: string;
  reduce: AlertReduce;
  window: string;
  op: AlertOp;
  threshold: string;
  forMs: string;
  repeat: string;
  severity: Severity;
  enabled: boolean;
  sendResolved: boolean;
  inApp: boolean;
  desktop: boolean;
  environments: Environment[];
  profiles: string[];
}

export function draftOf(rule: AlertRule | undefined): Draft {
  if (!rule) {
    return {
      name: "",
      metric: "ping_ms",
      reduce: "avg",
      window: "1m",
      op: ">",
      threshold: "",
      forMs: "0",
      repeat: "4h",
      severity: "warning",
      enabled: true,
      sendResolved: true,
      inApp: true,
      desktop: true,
      environments: [],
      profiles: [],
    };
  }
  return {
    name: rule.name,
    metric: rule.metric,
    reduce: rule.reduce,
    window: durationText(rule.windowMs),
    op: rule.op,
    threshold: String(rule.threshold),
    forMs: durationText(rule.forMs),
    repeat: durationText(rule.repeatIntervalMs),
    severity: rule.severity,
    enabled: rule.enabled,
    sendResolved: rule.sendResolved,
    inApp: rule.notify.inApp,
    desktop: rule.notify.desktop,
    environments: [...rule.scope.environments],
    profiles: [...rule.scope.profiles],
  };
}

/**
 * The server's param (`details.param`, core's buildAlertRule and the body schema) → the field
 * it is shown on, where the two differ in name: the durations are typed as text here.
 */
export const FIELD_OF_PARAM: Readonly<Record<string, Field>> = {
  name: "name",
  metric: "metric",
  reduce: "reduce",
  windowMs: "window",
  op: "op",
  threshold: "threshold",
  forMs: "forMs",
  repeatIntervalMs: "repeat",
  severity: "severity",
  scope: "scope",
};

/**
 * The field a server error is about: the param it names ("scope.environments.0" is the scope);
 * an error that names none, or a param this form has no field for, is the whole form's.
 */
export function fieldOf(param: string | undefined): Field {
  if (param === undefined) return "form";
  return FIELD_OF_PARAM[param.split(".")[0]!] ?? "form";
}

/** Which error an edit clears. */
export const FIELD_OF_DRAFT: Record<keyof Draft, Field> = {
  name: "name",
  metric: "metric",
  reduce: "reduce",
  window: "window",
  op: "op",
  threshold: "threshold",
  forMs: "forMs",
  repeat: "repeat",
  severity: "severity",
  enabled: "form",
  sendResolved: "form",
  inApp: "form",
  desktop: "form",
  environments: "scope",
  profiles: "scope",
};

export const FALLBACK_METRICS: MetricInfo[] = [
  {
    name: "up",
    kind: "gauge",
    unit: "0/1",
    source: "engine",
    help: "1 when the server answered PING",
  },
  { name: "ping_ms", kind: "gauge", unit: "ms", source: "engine", help: "PING round trip" },
];

/** The form's own checks, then the rule to send: errors by field, or the input. */
export function inputOf(d: Draft): {
  errs: Partial<Record<Field, string>>;
  input?: AlertRuleInput;
} {
  const errs: Partial<Record<Field, string>> = {};
  const windowMs = parseDuration(d.window);
  if (windowMs === undefined)
    errs.window = 'Write the window as a duration, e.g. "30s", "5m" or "1h".';
  const forMs = parseDuration(d.forMs);
  if (forMs === undefined)
    errs.forMs = 'Write the pending period as a duration, e.g. "0", "30s" or "5m".';
  const repeat = parseDuration(d.repeat);
  if (repeat === undefined)
    errs.repeat = 'Write the repeat interval as a duration, e.g. "4h", or "0" never to repeat.';
  const t = d.threshold.trim();
  const threshold = t === "" ? undefined : Number(t);
  if (t !== "" && !Number.isFinite(threshold))
    errs.threshold = "The threshold must be a number (e.g. 250 or 0.95).";
  if (Object.keys(errs).length > 0) return { errs };
  const input: AlertRuleInput = {
    name: d.name.trim(),
    metric: d.metric,
    reduce: d.reduce,
    op: d.op,
    severity: d.severity,
    enabled: d.enabled,
    sendResolved: d.sendResolved,
    notify: { inApp: d.inApp, desktop: d.desktop },
    scope: { environments: d.environments, profiles: d.profiles },
    ...(windowMs !== undefined ? { windowMs } : {}),
    ...(forMs !== undefined ? { forMs } : {}),
    ...(repeat !== undefined ? { repeatIntervalMs: repeat } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
  return { errs, input };
}
