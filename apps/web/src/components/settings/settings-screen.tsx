import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useState } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { useFeatures } from "../../api/features.ts";
import { usePolicies } from "../../api/hooks.ts";
import { type ObservabilitySettings, obsApi, type SettingsInput } from "../../api/observability.ts";
import { obsKeys, useObsSettings } from "../../api/observability-hooks.ts";
import { type ThemeChoice, useTheme } from "../../lib/theme.ts";
import { ErrorNotice } from "../error-notice.tsx";
import { useBrowserNotifications } from "../notifications/browser-notify.ts";
import { FeaturesSection } from "./features-section.tsx";
import { GuardrailsSection } from "./guardrails-section.tsx";
import { SnapshotsSection } from "./snapshots-section.tsx";

type NumField =
  | "pollIntervalMs"
  | "eventsIntervalMs"
  | "metricsRetentionDays"
  | "timelineRetentionDays"
  | "slowPingMs"
  | "memoryRatio"
  | "connectionsRatio";

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

/** The server names the field in its message ("pollIntervalMs must be …", "health.memoryRatio …"). */
function fieldOf(message: string): NumField | "inApp" | "desktop" | "workflows" | "form" {
  for (const f of FIELDS) if (new RegExp(`\\b${f.field}\\b`).test(message)) return f.field;
  if (/notifications\.inApp/.test(message)) return "inApp";
  if (/notifications\.desktop/.test(message)) return "desktop";
  if (/notifications\.workflows/.test(message)) return "workflows";
  return "form";
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id} className="panel-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Global settings: appearance, the collector, retention, health thresholds, notifications. */
export function SettingsScreen() {
  const settings = useObsSettings();
  const qc = useQueryClient();
  const [theme, setTheme] = useTheme();
  const browser = useBrowserNotifications();
  const policies = usePolicies();
  const features = useFeatures();
  const health = useQuery({
    queryKey: ["health"],
    queryFn: ({ signal }) => api.health(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [draft, setDraft] = useState<Draft | undefined>();
  /** Errors by field (the client's own checks and the server's message), kept until that field changes. */
  const [errors, setErrors] = useState<Partial<Record<NumField | "form", string>>>({});
  const [saved, setSaved] = useState(false);
  const id = useId();
  const themeName = useId();

  useEffect(() => {
    if (settings.data && !draft) setDraft(draftOf(settings.data));
  }, [settings.data, draft]);

  const save = useMutation<ObservabilitySettings, ApiError, SettingsInput>({
    mutationFn: (input) => obsApi.updateSettings(input),
    onSuccess: (s) => {
      qc.setQueryData(obsKeys.settings, s);
      setDraft(draftOf(s));
      setErrors({});
      setSaved(true);
    },
    onError: (e) => {
      const f = fieldOf(e.message);
      setErrors((x) => ({
        ...x,
        [f === "inApp" || f === "desktop" || f === "workflows" ? "form" : f]: e.message,
      }));
    },
  });

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => (d ? { ...d, [k]: v } : d));
    setSaved(false);
    setErrors((x) => {
      const { [k as NumField]: _, form: __, ...rest } = x;
      return rest;
    });
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
    setErrors((x) => ({ ...x, ...errs }));
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

  const errorOf = (f: NumField) => errors[f];
  const managedPath = policies.data?.managedPolicy.path;

  return (
    <div className="screen settings">
      <div className="dash-bar">
        <h1 className="dash-title">Settings</h1>
      </div>
      <div className="settings-body">
        <Section title="Appearance">
          <fieldset className="radios-inline">
            <legend className="field-label">Theme</legend>
            {(["light", "dark", "system"] as ThemeChoice[]).map((t) => (
              <label key={t} className="check">
                <input
                  type="radio"
                  name={themeName}
                  checked={theme === t}
                  onChange={() => setTheme(t)}
                />
                {t === "system" ? "System (follow the OS)" : t === "light" ? "Light" : "Dark"}
              </label>
            ))}
          </fieldset>
        </Section>

        <Section title="Features">
          <FeaturesSection features={features} />
        </Section>

        <Section title="Snapshots">
          <SnapshotsSection />
        </Section>

        <Section title="Guardrails">
          <GuardrailsSection />
        </Section>

        {settings.isPending ? (
          <p className="muted pad">Loading settings…</p>
        ) : settings.isError ? (
          <ErrorNotice
            title="Could not load the observability settings"
            error={settings.error}
            onRetry={() => void settings.refetch()}
          />
        ) : draft ? (
          <form
            className="settings-form"
            onSubmit={submit}
            noValidate
            aria-label="Observability settings"
          >
            <Section title="Collector and retention">
              <div className="settings-grid">
                {FIELDS.slice(0, 4).map((f) => (
                  <NumberField
                    key={f.field}
                    id={`${id}-${f.field}`}
                    spec={f}
                    value={draft[f.field]}
                    error={errorOf(f.field)}
                    onChange={(v) => set(f.field, v)}
                  />
                ))}
              </div>
            </Section>
            <Section title="Health thresholds">
              <div className="settings-grid">
                {FIELDS.slice(4).map((f) => (
                  <NumberField
                    key={f.field}
                    id={`${id}-${f.field}`}
                    spec={f}
                    value={draft[f.field]}
                    error={errorOf(f.field)}
                    onChange={(v) => set(f.field, v)}
                  />
                ))}
              </div>
            </Section>
            <Section title="Notifications">
              <div className="settings-checks">
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.inApp}
                    onChange={(e) => set("inApp", e.target.checked)}
                  />
                  In-app notifications (notification centre and toasts)
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.desktop}
                    onChange={(e) => set("desktop", e.target.checked)}
                  />
                  Desktop notifications from the studio (notify-send / macOS)
                </label>
                <p className="hint">Each rule can turn either off for itself.</p>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.workflows}
                    onChange={(e) => set("workflows", e.target.checked)}
                  />
                  Notify when a workflow ends while no window is open, or after a long run (desktop
                  and browser)
                </label>
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
                      {browser.on
                        ? "Turn off browser notifications"
                        : "Turn on browser notifications"}
                    </button>
                  )}
                </div>
              </div>
            </Section>
            {errors.form && (
              <p className="field-error form-error" role="alert">
                {errors.form}
              </p>
            )}
            <div className="settings-actions">
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save settings"}
              </button>
              <button
                type="button"
                className="btn"
                disabled={save.isPending}
                onClick={() => {
                  if (settings.data) setDraft(draftOf(settings.data));
                  setErrors({});
                  save.reset();
                  setSaved(false);
                }}
              >
                Discard changes
              </button>
              <span role="status" className="ok small">
                {saved ? "Saved: the collector uses the new settings from its next poll." : ""}
              </span>
            </div>
          </form>
        ) : null}

        <Section title="About this studio">
          <dl className="about">
            <div className="about-row">
              <dt>Version</dt>
              <dd className="mono">{health.data?.version ?? "…"}</dd>
            </div>
            <div className="about-row">
              <dt>Data folder</dt>
              <dd>
                {features.data ? (
                  <span className="mono">{features.data.dataDir}</span>
                ) : (
                  <span className="muted">
                    The folder given with <code>--data-dir</code>, else <code>$CACHIFY_HOME</code>,
                    else the platform's app-data folder.
                  </span>
                )}
              </dd>
            </div>
            <div className="about-row">
              <dt>Managed policy file</dt>
              <dd className="mono">{managedPath ?? "…"}</dd>
            </div>
          </dl>
        </Section>
      </div>
    </div>
  );
}

function NumberField({
  id,
  spec,
  value,
  error,
  onChange,
}: {
  id: string;
  spec: (typeof FIELDS)[number];
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {spec.label} ({spec.unit})
      </label>
      <input
        id={id}
        value={value}
        inputMode="decimal"
        autoComplete="off"
        className="mono"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
      />
      {error ? (
        <p id={`${id}-hint`} className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="hint">
          {spec.hint}
        </p>
      )}
    </div>
  );
}
