import { badInput } from "../common/errors.ts";
import type { Severity } from "../history/event.ts";
import { ENVIRONMENTS, type Environment } from "../profiles/profile.ts";
import { isMetricName, METRICS, type MetricName, type MetricPoint } from "./metrics.ts";
import { SEVERITIES } from "./timeline.ts";

export type AlertReduce = "last" | "avg" | "max" | "rate";
export type AlertOp = ">" | ">=" | "<" | "<=" | "==" | "!=";
export const ALERT_REDUCES: readonly AlertReduce[] = ["last", "avg", "max", "rate"];
export const ALERT_OPS: readonly AlertOp[] = [">", ">=", "<", "<=", "==", "!="];

/** AlertRule: docs/design/contracts.md#observability-and-alerts. */
export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  severity: Severity;
  /**
   * Which profiles it watches: those listed, plus every profile of the listed environments. Both
   * empty: every profile.
   */
  scope: { profiles: string[]; environments: Environment[] };
  metric: MetricName;
  reduce: AlertReduce;
  windowMs: number;
  op: AlertOp;
  threshold: number;
  /** How long the condition must hold (pending) before the rule fires; 0 fires at once. */
  forMs: number;
  /** While firing, notify again this often; 0 never repeats. */
  repeatIntervalMs: number;
  notify: { inApp: boolean; desktop: boolean };
  sendResolved: boolean;
  createdAt: number;
  updatedAt: number;
}

export type AlertRuleInput = Partial<
  Omit<AlertRule, "id" | "createdAt" | "updatedAt" | "scope">
> & {
  scope?: { profiles?: string[]; environments?: Environment[] };
};

export const ALERT_LIMITS = {
  minWindowMs: 1000,
  /** The collector keeps an hour of per-poll points in memory: windows are at most that. */
  maxWindowMs: 3_600_000,
  maxForMs: 86_400_000,
  minRepeatMs: 1000,
};

export const ALERT_DEFAULTS = {
  enabled: true,
  severity: "warning" as Severity,
  reduce: "last" as AlertReduce,
  windowMs: 60_000,
  forMs: 0,
  repeatIntervalMs: 4 * 3_600_000,
  sendResolved: true,
};

/**
 * A complete rule from user input (API body or CLI flags) over an existing rule or the defaults.
 * Every field is checked; the message says what to write instead.
 */
export function buildAlertRule(
  input: AlertRuleInput,
  base: AlertRule | undefined,
  id: string,
  now: number,
): AlertRule {
  const name = (input.name ?? base?.name ?? "").trim();
  if (name === "" || name.length > 200)
    throw badInput("An alert rule needs a name (1 to 200 characters).", { param: "name" });
  const metric = input.metric ?? base?.metric;
  if (metric === undefined || !isMetricName(metric)) {
    throw badInput(
      `Unknown metric "${metric ?? ""}": use one of ${Object.keys(METRICS).join(", ")}.`,
      { param: "metric" },
    );
  }
  const op = input.op ?? base?.op;
  if (op === undefined || !ALERT_OPS.includes(op))
    throw badInput(`An alert rule needs op, one of ${ALERT_OPS.join(" ")}.`, { param: "op" });
  const threshold = input.threshold ?? base?.threshold;
  if (typeof threshold !== "number" || !Number.isFinite(threshold))
    throw badInput("An alert rule needs a threshold (a number).", { param: "threshold" });
  const reduce = input.reduce ?? base?.reduce ?? ALERT_DEFAULTS.reduce;
  if (!ALERT_REDUCES.includes(reduce))
    throw badInput(`reduce must be one of ${ALERT_REDUCES.join(", ")} (got "${reduce}").`, {
      param: "reduce",
    });
  const windowMs = input.windowMs ?? base?.windowMs ?? ALERT_DEFAULTS.windowMs;
  wholeIn(windowMs, ALERT_LIMITS.minWindowMs, ALERT_LIMITS.maxWindowMs, "windowMs");
  const forMs = input.forMs ?? base?.forMs ?? ALERT_DEFAULTS.forMs;
  wholeIn(forMs, 0, ALERT_LIMITS.maxForMs, "forMs");
  const repeatIntervalMs =
    input.repeatIntervalMs ?? base?.repeatIntervalMs ?? ALERT_DEFAULTS.repeatIntervalMs;
  if (repeatIntervalMs !== 0)
    wholeIn(repeatIntervalMs, ALERT_LIMITS.minRepeatMs, 30 * 86_400_000, "repeatIntervalMs");
  const severity = input.severity ?? base?.severity ?? ALERT_DEFAULTS.severity;
  if (!SEVERITIES.includes(severity))
    throw badInput(`severity must be one of ${SEVERITIES.join(", ")} (got "${severity}").`, {
      param: "severity",
    });
  const environments = input.scope?.environments ?? base?.scope.environments ?? [];
  for (const [i, e] of environments.entries()) {
    if (!ENVIRONMENTS.includes(e))
      throw badInput(`Unknown environment "${e}": use ${ENVIRONMENTS.join(", ")}.`, {
        param: `scope.environments.${i}`,
      });
  }
  const profiles = input.scope?.profiles ?? base?.scope.profiles ?? [];
  return {
    id,
    name,
    enabled: input.enabled ?? base?.enabled ?? ALERT_DEFAULTS.enabled,
    severity,
    scope: { profiles: [...new Set(profiles)], environments: [...new Set(environments)] },
    metric,
    reduce,
    windowMs,
    op,
    threshold,
    forMs,
    repeatIntervalMs,
    notify: {
      inApp: input.notify?.inApp ?? base?.notify.inApp ?? true,
      desktop: input.notify?.desktop ?? base?.notify.desktop ?? true,
    },
    sendResolved: input.sendResolved ?? base?.sendResolved ?? ALERT_DEFAULTS.sendResolved,
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  };
}

function wholeIn(v: unknown, min: number, max: number, field: string): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badInput(`${field} must be a whole number of milliseconds from ${min} to ${max}.`, {
      param: field,
    });
  }
}

export function ruleApplies(
  rule: AlertRule,
  profile: { id: string; environment: Environment },
): boolean {
  const { profiles, environments } = rule.scope;
  if (profiles.length === 0 && environments.length === 0) return true;
  return profiles.includes(profile.id) || environments.includes(profile.environment);
}

/**
 * The rule's reduce over the points in (now - windowMs, now]; undefined when there is no data.
 * `rate` is per second: for counts the window's sum over its length, for gauges the change
 * between the first and last point over the time between them.
 */
export function reduceWindow(
  rule: Pick<AlertRule, "metric" | "reduce" | "windowMs">,
  points: readonly MetricPoint[],
  now: number,
): number | undefined {
  const from = now - rule.windowMs;
  const xs: { ts: number; v: number }[] = [];
  for (const p of points) {
    if (p.ts <= from || p.ts > now) continue;
    const v = p.values[rule.metric];
    if (v !== undefined && Number.isFinite(v)) xs.push({ ts: p.ts, v });
  }
  if (xs.length === 0) return undefined;
  switch (rule.reduce) {
    case "last":
      return xs.reduce((a, b) => (b.ts >= a.ts ? b : a)).v;
    case "avg":
      return xs.reduce((s, x) => s + x.v, 0) / xs.length;
    case "max":
      return Math.max(...xs.map((x) => x.v));
    case "rate": {
      if (METRICS[rule.metric].kind === "count")
        return xs.reduce((s, x) => s + x.v, 0) / (rule.windowMs / 1000);
      if (xs.length < 2) return undefined;
      const first = xs[0]!;
      const last = xs.at(-1)!;
      const secs = (last.ts - first.ts) / 1000;
      return secs > 0 ? (last.v - first.v) / secs : undefined;
    }
  }
}

export function compare(value: number, op: AlertOp, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

export type AlertStateName = "normal" | "pending" | "firing" | "resolved";

/** One rule's state for one profile. */
export interface AlertState {
  ruleId: string;
  profileId: string;
  state: AlertStateName;
  /** When the current state began. */
  since: number;
  /** When the current (or last) firing began: identifies the episode, for de-duplication. */
  firingSince?: number;
  lastNotifiedAt?: number;
  /** The value the last evaluation saw. */
  value?: number;
}

/** A notification to send: at most one per decision. */
export type AlertNotice = "firing" | "repeat" | "resolved";

export interface AlertDecision {
  state: AlertState;
  /** Set when the state changed (for the timeline). */
  changed?: { from: AlertStateName; to: AlertStateName };
  notice?: AlertNotice;
}

export function initialAlertState(ruleId: string, profileId: string, now: number): AlertState {
  return { ruleId, profileId, state: "normal", since: now };
}

/**
 * One evaluation: normal → pending (condition true) → firing (held for forMs) → resolved
 * (condition false again). A pending condition that clears goes back to normal without a word.
 * No data in the window changes nothing. Firing notifies once, then every repeatIntervalMs;
 * resolving notifies when the rule says so. Pure: the clock is the caller's `now`.
 */
export function evaluateAlert(
  rule: AlertRule,
  prev: AlertState,
  value: number | undefined,
  now: number,
): AlertDecision {
  const s: AlertState = { ...prev };
  if (value !== undefined) s.value = value;
  const move = (to: AlertStateName): AlertDecision["changed"] => {
    const from = s.state;
    s.state = to;
    s.since = now;
    return { from, to };
  };
  if (!rule.enabled) {
    if (s.state === "normal") return { state: s };
    delete s.firingSince;
    return { state: s, changed: move("normal") };
  }
  if (value === undefined) return { state: s };
  const breach = compare(value, rule.op, rule.threshold);
  switch (s.state) {
    case "normal":
    case "resolved": {
      if (!breach) return { state: s };
      if (rule.forMs > 0) return { state: s, changed: move("pending") };
      const changed = move("firing");
      s.firingSince = now;
      s.lastNotifiedAt = now;
      return { state: s, changed, notice: "firing" };
    }
    case "pending": {
      if (!breach) return { state: s, changed: move("normal") };
      if (now - s.since < rule.forMs) return { state: s };
      const changed = move("firing");
      s.firingSince = now;
      s.lastNotifiedAt = now;
      return { state: s, changed, notice: "firing" };
    }
    case "firing": {
      if (!breach) {
        const changed = move("resolved");
        if (!rule.sendResolved) return { state: s, changed };
        s.lastNotifiedAt = now;
        return { state: s, changed, notice: "resolved" };
      }
      const last = s.lastNotifiedAt ?? s.since;
      if (rule.repeatIntervalMs > 0 && now - last >= rule.repeatIntervalMs) {
        s.lastNotifiedAt = now;
        return { state: s, notice: "repeat" };
      }
      return { state: s };
    }
  }
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return String(Number(abs >= 100 ? v.toFixed(0) : abs >= 1 ? v.toFixed(2) : v.toPrecision(3)));
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * What a notification says: the rule, the profile, the metric and the number. Never a key, a
 * value or a server message (which could quote a command's arguments).
 */
export function alertNotificationText(
  rule: AlertRule,
  profile: { name: string; environment: Environment },
  notice: AlertNotice,
  value: number | undefined,
): { title: string; body: string } {
  const head = notice === "resolved" ? "Resolved" : notice === "repeat" ? "Still firing" : "Firing";
  const shown = value === undefined ? "no data" : formatNumber(value);
  const what =
    rule.reduce === "last"
      ? rule.metric
      : `${rule.reduce}(${rule.metric}) over ${formatDuration(rule.windowMs)}`;
  return {
    title: `${head}: ${rule.name}`,
    body: `${profile.name} (${profile.environment}): ${what} = ${shown} (rule: ${rule.op} ${formatNumber(rule.threshold)})`,
  };
}
