import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { type AlertRule, type AlertRuleInput, obsApi } from "../../api/observability.ts";
import { obsKeys, useMetricCatalog } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_LABEL, ENV_ORDER } from "../../lib/format.ts";
import { Check } from "../../ui/check.tsx";
import { Field, FieldError, Select, TextInput } from "../../ui/field.tsx";
import { useFieldErrors } from "../../ui/field-errors.ts";
import { FormActions } from "../../ui/form-actions.tsx";
import {
  type Draft,
  draftOf,
  FALLBACK_METRICS,
  FIELD_OF_DRAFT,
  fieldOf,
  inputOf,
  OPS,
  REDUCES,
  type Field as RuleField,
  SEVERITIES,
} from "./rule-model.ts";

export function RuleDialog({
  rule,
  profiles,
  onClose,
}: {
  rule: AlertRule | undefined;
  profiles: ProfileView[];
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const catalog = useMetricCatalog();
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  /** Errors by field (the form's own checks and the server's message), kept until that field changes. */
  const fe = useFieldErrors<RuleField>("form");
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);

  // Modal on mount, focus on the name; closing gives the focus back where it was.
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

  const save = useMutation<AlertRule, ApiError, AlertRuleInput>({
    mutationFn: (input) => (rule ? obsApi.updateAlert(rule.id, input) : obsApi.createAlert(input)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: obsKeys.alerts });
      onClose();
    },
    onError: (e) => fe.fromServer(e, fieldOf),
  });

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    fe.clear(FIELD_OF_DRAFT[k]);
  };
  const toggle = <T extends string>(xs: T[], x: T) =>
    xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    const { errs, input } = inputOf(d);
    fe.add(errs);
    if (!input) return;
    save.mutate(input);
  };

  const errorText = (f: RuleField) =>
    fe.errors[f] ? <FieldError id={fe.errorId(f)}>{fe.errors[f]}</FieldError> : null;
  const inRow = (f: RuleField) => (fe.errors[f] ? { errorId: fe.errorId(f) } : undefined);

  const metrics = catalog.data ?? FALLBACK_METRICS;
  const chosen = metrics.find((m) => m.name === d.metric);
  const text = (f: "window" | "threshold" | "forMs" | "repeat") => ({
    value: d[f],
    onValue: (v: string) => set(f, v),
  });

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide rule-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 id={titleId}>{rule ? `Edit alert rule ${rule.name}` : "New alert rule"}</h2>
        <Field label="Name" error={fe.errors.name} errorId={fe.errorId("name")}>
          {(slot) => (
            <TextInput
              {...slot}
              className=""
              value={d.name}
              maxLength={200}
              placeholder="slow PING on prod"
              spellCheck={undefined}
              onValue={(v) => set("name", v)}
            />
          )}
        </Field>

        <fieldset className="rule-condition">
          <legend className="field-label">Condition</legend>
          <div className="field-row">
            <Field label="Metric" className="grow2" invalid={inRow("metric")}>
              {(slot) => (
                <Select
                  {...slot}
                  value={d.metric}
                  onValue={(v) => set("metric", v)}
                  options={metrics.map((m) => ({
                    value: m.name,
                    label: `${m.name}${m.unit ? ` (${m.unit})` : ""}`,
                  }))}
                />
              )}
            </Field>
            <Field label="Reduce" invalid={inRow("reduce")}>
              {(slot) => (
                <Select
                  {...slot}
                  value={d.reduce}
                  onValue={(v) => set("reduce", v)}
                  options={REDUCES}
                />
              )}
            </Field>
            <Field label="Window" invalid={inRow("window")}>
              {(slot) => <TextInput {...slot} spellCheck={undefined} {...text("window")} />}
            </Field>
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
            <Field label="Operator" invalid={inRow("op")}>
              {(slot) => (
                <Select
                  {...slot}
                  className="mono"
                  value={d.op}
                  onValue={(v) => set("op", v)}
                  options={OPS.map((o) => ({ value: o, label: o }))}
                />
              )}
            </Field>
            <Field label="Threshold" className="grow2" invalid={inRow("threshold")}>
              {(slot) => (
                <TextInput
                  {...slot}
                  inputMode="decimal"
                  spellCheck={undefined}
                  placeholder={chosen?.unit === "0..1" ? "0.95" : "250"}
                  {...text("threshold")}
                />
              )}
            </Field>
            <Field label="Pending period" invalid={inRow("forMs")}>
              {(slot) => <TextInput {...slot} spellCheck={undefined} {...text("forMs")} />}
            </Field>
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
          <Field label="Severity" invalid={inRow("severity")}>
            {(slot) => (
              <Select
                {...slot}
                value={d.severity}
                onValue={(v) => set("severity", v)}
                options={SEVERITIES.map((v) => ({ value: v, label: v }))}
              />
            )}
          </Field>
          <Field
            label="Repeat interval"
            invalid={inRow("repeat")}
            hint="While firing, notify again this often; 0 never repeats."
            hintAs="span"
          >
            {(slot) => <TextInput {...slot} spellCheck={undefined} {...text("repeat")} />}
          </Field>
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
              <Check
                key={env}
                checked={d.environments.includes(env)}
                onChange={() => set("environments", toggle(d.environments, env))}
              >
                {ENV_LABEL[env]}
              </Check>
            ))}
          </div>
          <div className="check-row">
            {profiles.map((p) => (
              <Check
                key={p.id}
                checked={d.profiles.includes(p.id)}
                onChange={() => set("profiles", toggle(d.profiles, p.id))}
              >
                {p.name}
              </Check>
            ))}
          </div>
          {errorText("scope")}
        </fieldset>

        <fieldset className="rule-notify">
          <legend className="field-label">Notify</legend>
          <div className="check-row">
            {NOTIFY.map(([k, label]) => (
              <Check key={k} checked={d[k]} onChange={(on) => set(k, on)}>
                {label}
              </Check>
            ))}
          </div>
          <p className="hint">
            Notifications name the rule, the connection, the metric and its number; never a key or a
            value.
          </p>
        </fieldset>

        {fe.errors.form && <FieldError form>{fe.errors.form}</FieldError>}
        <FormActions
          submitLabel={rule ? "Save rule" : "Create rule"}
          busy={save.isPending}
          busyLabel="Saving…"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}

const NOTIFY = [
  ["inApp", "In the studio (notification centre)"],
  ["desktop", "Desktop notification"],
  ["sendResolved", "Notify when resolved"],
  ["enabled", "Enabled"],
] as const;
