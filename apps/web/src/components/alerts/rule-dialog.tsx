import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { type ApiError, isApiError } from "../../api/client.ts";
import {
  type AlertOp,
  type AlertReduce,
  type AlertRule,
  type AlertRuleInput,
  type MetricInfo,
  obsApi,
  type Severity,
} from "../../api/observability.ts";
import { obsKeys, useMetricCatalog } from "../../api/observability-hooks.ts";
import type { Environment, ProfileView } from "../../api/types.ts";
import { ENV_LABEL, ENV_ORDER } from "../../lib/format.ts";
import { durationText, parseDuration } from "../dashboard/format.ts";

const OPS: AlertOp[] = [">", ">=", "<", "<=", "==", "!="];
const REDUCES: { value: AlertReduce; label: string }[] = [
  { value: "last", label: "last value" },
  { value: "avg", label: "average" },
  { value: "max", label: "maximum" },
  { value: "rate", label: "rate per second" },
];
const SEVERITIES: Severity[] = ["info", "warning", "error", "critical"];

type Field =
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

interface Draft {
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

function draftOf(rule: AlertRule | undefined): Draft {
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

/** Which field a server validation message is about (core's buildAlertRule and the body schema). */
export function fieldOfMessage(message: string): Field {
  const rules: [RegExp, Field][] = [
    [/\bname\b/i, "name"],
    [/\bmetric\b/i, "metric"],
    [/\breduce\b/, "reduce"],
    [/\bwindowMs\b/, "window"],
    [/\bforMs\b/, "forMs"],
    [/\brepeatIntervalMs\b/, "repeat"],
    [/\bthreshold\b/, "threshold"],
    [/\bop\b/, "op"],
    [/\bseverity\b/, "severity"],
    [/\bscope\b|environment|profile|connection/i, "scope"],
  ];
  for (const [re, f] of rules) if (re.test(message)) return f;
  return "form";
}

/** Which error an edit clears. */
const FIELD_OF_DRAFT: Record<keyof Draft, Field> = {
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

const FALLBACK_METRICS: MetricInfo[] = [
  {
    name: "up",
    kind: "gauge",
    unit: "0/1",
    source: "engine",
    help: "1 when the server answered PING",
  },
  { name: "ping_ms", kind: "gauge", unit: "ms", source: "engine", help: "PING round trip" },
];

/** Create or edit an alert rule; the server checks every field and its message shows by the field. */
export function RuleDialog({
  rule,
  profiles,
  onClose,
}: {
  rule: AlertRule | undefined;
  profiles: ProfileView[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const qc = useQueryClient();
  const catalog = useMetricCatalog();
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  /** Errors by field (the form's own checks and the server's message), kept until that field changes. */
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const id = useId();
  const fid = (f: string) => `${id}-${f}`;

  const save = useMutation<AlertRule, ApiError, AlertRuleInput>({
    mutationFn: (input) => (rule ? obsApi.updateAlert(rule.id, input) : obsApi.createAlert(input)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: obsKeys.alerts });
      onClose();
    },
    onError: (e) =>
      setErrors((x) => ({
        ...x,
        [fieldOfMessage(e.message)]: isApiError(e)
          ? e.message
          : "Something went wrong; nothing was saved.",
      })),
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const back = document.activeElement as HTMLElement | null;
    if (!el.open) el.showModal();
    el.querySelector<HTMLElement>("input")?.focus();
    return () => {
      if (el.open) el.close();
      back?.focus?.();
    };
  }, []);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    const f = FIELD_OF_DRAFT[k];
    setErrors((x) => {
      const { [f]: _, form: __, ...rest } = x;
      return rest;
    });
  };
  const toggle = <T extends string>(xs: T[], x: T) =>
    xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
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
    setErrors((x) => ({ ...x, ...errs }));
    if (Object.keys(errs).length > 0) return;
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
    save.mutate(input);
  };

  const errorOf = (f: Field): string | undefined => errors[f];
  const errorText = (f: Field): ReactNode => {
    const m = errorOf(f);
    return m ? (
      <p id={fid(`err-${f}`)} className="field-error" role="alert">
        {m}
      </p>
    ) : null;
  };
  const invalid = (f: Field) =>
    errorOf(f) ? { "aria-invalid": true as const, "aria-describedby": fid(`err-${f}`) } : {};

  const metrics = catalog.data ?? FALLBACK_METRICS;
  const chosen = metrics.find((m) => m.name === d.metric);

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide rule-dialog"
      aria-labelledby={fid("title")}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 id={fid("title")}>{rule ? `Edit alert rule ${rule.name}` : "New alert rule"}</h2>
        <div className="field">
          <label className="field-label" htmlFor={fid("name")}>
            Name
          </label>
          <input
            id={fid("name")}
            value={d.name}
            maxLength={200}
            autoComplete="off"
            placeholder="slow PING on prod"
            onChange={(e) => set("name", e.target.value)}
            {...invalid("name")}
          />
          {errorText("name")}
        </div>

        <fieldset className="rule-condition">
          <legend className="field-label">Condition</legend>
          <div className="field-row">
            <div className="field grow2">
              <label className="field-label" htmlFor={fid("metric")}>
                Metric
              </label>
              <select
                id={fid("metric")}
                value={d.metric}
                onChange={(e) => set("metric", e.target.value)}
                {...invalid("metric")}
              >
                {metrics.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                    {m.unit ? ` (${m.unit})` : ""}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={fid("reduce")}>
                Reduce
              </label>
              <select
                id={fid("reduce")}
                value={d.reduce}
                onChange={(e) => set("reduce", e.target.value as AlertReduce)}
                {...invalid("reduce")}
              >
                {REDUCES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={fid("window")}>
                Window
              </label>
              <input
                id={fid("window")}
                value={d.window}
                onChange={(e) => set("window", e.target.value)}
                className="mono"
                autoComplete="off"
                {...invalid("window")}
              />
            </div>
          </div>
          {chosen && (
            <p className="hint">
              {chosen.help}
              {chosen.kind === "count" ? " (a count per poll; rate is per second)" : ""}
            </p>
          )}
          {errorText("metric")}
          {errorText("reduce")}
          {errorText("window")}
          <div className="field-row">
            <div className="field">
              <label className="field-label" htmlFor={fid("op")}>
                Operator
              </label>
              <select
                id={fid("op")}
                value={d.op}
                onChange={(e) => set("op", e.target.value as AlertOp)}
                className="mono"
                {...invalid("op")}
              >
                {OPS.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </div>
            <div className="field grow2">
              <label className="field-label" htmlFor={fid("threshold")}>
                Threshold
              </label>
              <input
                id={fid("threshold")}
                value={d.threshold}
                inputMode="decimal"
                autoComplete="off"
                className="mono"
                placeholder={chosen?.unit === "0..1" ? "0.95" : "250"}
                onChange={(e) => set("threshold", e.target.value)}
                {...invalid("threshold")}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor={fid("for")}>
                Pending period
              </label>
              <input
                id={fid("for")}
                value={d.forMs}
                className="mono"
                autoComplete="off"
                onChange={(e) => set("forMs", e.target.value)}
                {...invalid("forMs")}
              />
            </div>
          </div>
          {errorText("op")}
          {errorText("threshold")}
          {errorText("forMs")}
          <p className="hint">
            Fires when the {REDUCES.find((r) => r.value === d.reduce)?.label} of {d.metric} over{" "}
            {d.window || "…"} is {d.op} {d.threshold || "…"}
            {d.forMs.trim() && d.forMs.trim() !== "0" ? ` for ${d.forMs.trim()}` : ""}.
          </p>
        </fieldset>

        <div className="field-row">
          <div className="field">
            <label className="field-label" htmlFor={fid("severity")}>
              Severity
            </label>
            <select
              id={fid("severity")}
              value={d.severity}
              onChange={(e) => set("severity", e.target.value as Severity)}
              {...invalid("severity")}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={fid("repeat")}>
              Repeat interval
            </label>
            <input
              id={fid("repeat")}
              value={d.repeat}
              className="mono"
              autoComplete="off"
              onChange={(e) => set("repeat", e.target.value)}
              aria-describedby={fid("repeat-hint")}
              {...invalid("repeat")}
            />
            <span id={fid("repeat-hint")} className="hint">
              While firing, notify again this often; 0 never repeats.
            </span>
          </div>
        </div>
        {errorText("severity")}
        {errorText("repeat")}

        <fieldset className="rule-scope">
          <legend className="field-label">Scope</legend>
          <p className="hint">
            A connection is in scope when it is ticked or its environment is. Nothing ticked: every
            connection.
          </p>
          <div className="check-row">
            {ENV_ORDER.map((env) => (
              <label key={env} className="check">
                <input
                  type="checkbox"
                  checked={d.environments.includes(env)}
                  onChange={() => set("environments", toggle(d.environments, env))}
                />
                {ENV_LABEL[env]}
              </label>
            ))}
          </div>
          <div className="check-row">
            {profiles.map((p) => (
              <label key={p.id} className="check">
                <input
                  type="checkbox"
                  checked={d.profiles.includes(p.id)}
                  onChange={() => set("profiles", toggle(d.profiles, p.id))}
                />
                {p.name}
              </label>
            ))}
          </div>
          {errorText("scope")}
        </fieldset>

        <fieldset className="rule-notify">
          <legend className="field-label">Notify</legend>
          <div className="check-row">
            <label className="check">
              <input
                type="checkbox"
                checked={d.inApp}
                onChange={(e) => set("inApp", e.target.checked)}
              />
              In the studio (notification centre)
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={d.desktop}
                onChange={(e) => set("desktop", e.target.checked)}
              />
              Desktop notification
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={d.sendResolved}
                onChange={(e) => set("sendResolved", e.target.checked)}
              />
              Notify when resolved
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={d.enabled}
                onChange={(e) => set("enabled", e.target.checked)}
              />
              Enabled
            </label>
          </div>
          <p className="hint">
            Notifications name the rule, the connection, the metric and its number; never a key or a
            value.
          </p>
        </fieldset>

        {errors.form && (
          <p className="field-error form-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : rule ? "Save rule" : "Create rule"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
