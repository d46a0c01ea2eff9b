import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { type ObservabilitySettings, obsApi, type SettingsInput } from "../../api/observability.ts";
import { obsKeys, useObsSettings } from "../../api/observability-hooks.ts";
import { Check } from "../../ui/check.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { useFieldErrors } from "../../ui/field-errors.ts";
import { loadState } from "../../ui/notices.tsx";
import { useBrowserNotifications } from "../notifications/browser-notify.ts";
import { fieldOf, type NumField } from "./observability-fields.ts";
import { SaveBar } from "./save-bar.tsx";
import { Section } from "./section.tsx";

type Draft = Record<NumField, string> & { inApp: boolean; desktop: boolean; workflows: boolean };

function draftOf(s: ObservabilitySettings): Draft {
  return {
    pollIntervalMs: String(s.pollIntervalMs),
    eventsIntervalMs: String(s.eventsIntervalMs),
    metricsRetentionDays: String(s.metricsRetentionDays),
    timelineRetentionDays: String(s.timelineRetentionDays),
    slowPingMs: String(s.health.slowPingMs),
    memoryRatio: String(s.health.memoryRatio),
    connectionsRatio: String(s.health.connectionsRatio),
    inApp: s.notifications.inApp,
    desktop: s.notifications.desktop,
    workflows: s.notifications.workflows,
  };
}

const FIELDS: { field: NumField; label: string; unit: string; hint: string; whole: boolean }[] = [
  {
    field: "pollIntervalMs",
    label: "Poll interval",
    unit: "ms",
    hint: "PING and INFO / stats of every watched connection (100 to 600,000).",
    whole: true,
  },
  {
    field: "eventsIntervalMs",
    label: "Engine events interval",
    unit: "ms",
    hint: "SLOWLOG and LATENCY reads, Redis only (100 to 3,600,000).",
    whole: true,
  },
  {
    field: "metricsRetentionDays",
    label: "Keep metrics for",
    unit: "days",
    hint: "Trend rollups older than this are deleted (1 to 3,650).",
    whole: true,
  },
  {
    field: "timelineRetentionDays",
    label: "Keep timeline events for",
    unit: "days",
    hint: "History events and notifications older than this are deleted (1 to 3,650).",
    whole: true,
  },
  {
    field: "slowPingMs",
    label: "Slow PING",
    unit: "ms",
    hint: "A PING at least this slow makes a connection degraded.",
    whole: false,
  },
  {
    field: "memoryRatio",
    label: "Memory limit ratio",
    unit: "0–1",
    hint: "Used memory at this share of maxmemory makes it degraded (e.g. 0.95).",
    whole: false,
  },
  {
    field: "connectionsRatio",
    label: "Connections limit ratio",
    unit: "0–1",
    hint: "Clients at this share of the server's limit make it degraded.",
    whole: false,
  },
];

const LOADING = ["Loading settings…", "Could not load the observability settings"] as const;

/** The collector, retention, health thresholds and notifications (one form, one Save). */
export function ObservabilityForm() {
  const settings = useObsSettings();
  const qc = useQueryClient();
  const browser = useBrowserNotifications();
  const [draft, setDraft] = useState<Draft | undefined>();
  /** Errors by field (the client's own checks and the server's message), kept until that field changes. */
  const fe = useFieldErrors<NumField | "form">("form");
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings.data && !draft) setDraft(draftOf(settings.data));
  }, [settings.data, draft]);

  const save = useMutation<ObservabilitySettings, ApiError, SettingsInput>({
    mutationFn: (input) => obsApi.updateSettings(input),
    onSuccess: (s) => {
      qc.setQueryData(obsKeys.settings, s);
      setDraft(draftOf(s));
      fe.reset();
      setSaved(true);
    },
    onError: (e) => fe.fromServer(e, fieldOf),
  });

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => (d ? { ...d, [k]: v } : d));
    setSaved(false);
    fe.clear(k as NumField);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft || save.isPending) return;
    const errs: Partial<Record<NumField | "form", string>> = {};
    const nums: Partial<Record<NumField, number>> = {};
    for (const f of FIELDS) {
      const t = draft[f.field].trim();
      const n = Number(t);
      if (t === "" || !Number.isFinite(n)) {
        errs[f.field] = `${f.label} must be a number${f.whole ? " (a whole one)" : ""}.`;
      } else nums[f.field] = n;
    }
    // Keep what the server said about fields still unchanged; add the client's own findings.
    fe.add(errs);
    if (Object.keys(errs).length > 0) return;
    save.mutate({
      pollIntervalMs: nums.pollIntervalMs!,
      eventsIntervalMs: nums.eventsIntervalMs!,
      metricsRetentionDays: nums.metricsRetentionDays!,
      timelineRetentionDays: nums.timelineRetentionDays!,
      notifications: { inApp: draft.inApp, desktop: draft.desktop, workflows: draft.workflows },
      health: {
        slowPingMs: nums.slowPingMs!,
        memoryRatio: nums.memoryRatio!,
        connectionsRatio: nums.connectionsRatio!,
      },
    });
  };

  const wait = loadState(settings, ...LOADING);
  if (wait) return wait;
  if (!draft) return null;
  return (
    <form
      className="settings-form"
      onSubmit={submit}
      noValidate
      aria-label="Observability settings"
    >
      {(
        [
          ["Collector and retention", FIELDS.slice(0, 4)],
          ["Health thresholds", FIELDS.slice(4)],
        ] as const
      ).map(([title, fields]) => (
        <Section key={title} title={title}>
          <div className="settings-grid">
            {fields.map((f) => (
              <NumberField
                key={f.field}
                spec={f}
                value={draft[f.field]}
                error={fe.errors[f.field]}
                onChange={(v) => set(f.field, v)}
              />
            ))}
          </div>
        </Section>
      ))}
      <Section title="Notifications">
        <div className="settings-checks">
          <Check checked={draft.inApp} onChange={(on) => set("inApp", on)}>
            In-app notifications (notification centre and toasts)
          </Check>
          <Check checked={draft.desktop} onChange={(on) => set("desktop", on)}>
            Desktop notifications from the studio (notify-send / macOS)
          </Check>
          <p className="hint">Each rule can turn either off for itself.</p>
          <Check checked={draft.workflows} onChange={(on) => set("workflows", on)}>
            Notify when a workflow ends while no window is open, or after a long run (desktop and
            browser)
          </Check>
          <div className="browser-notify">
            <span>
              Browser notifications while this window is hidden:{" "}
              <strong>
                {browser.permission === "unsupported"
                  ? "not supported by this browser"
                  : browser.permission === "denied"
                    ? "blocked in the browser's site settings"
                    : browser.on
                      ? "on"
                      : "off"}
              </strong>
            </span>
            {browser.permission !== "unsupported" && browser.permission !== "denied" && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => (browser.on ? browser.disable() : void browser.enable())}
              >
                {browser.on ? "Turn off browser notifications" : "Turn on browser notifications"}
              </button>
            )}
          </div>
        </div>
      </Section>
      <SaveBar
        label="Save settings"
        pending={save.isPending}
        formError={fe.errors.form}
        status={saved ? "Saved: the collector uses the new settings from its next poll." : ""}
        onDiscard={() => {
          if (settings.data) setDraft(draftOf(settings.data));
          fe.reset();
          save.reset();
          setSaved(false);
        }}
      />
    </form>
  );
}

function NumberField({
  spec,
  value,
  error,
  onChange,
}: {
  spec: (typeof FIELDS)[number];
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={`${spec.label} (${spec.unit})`} hint={spec.hint} error={error} replaceHint>
      {(slot) => (
        <TextInput
          {...slot}
          inputMode="decimal"
          spellCheck={undefined}
          value={value}
          onValue={onChange}
        />
      )}
    </Field>
  );
}
