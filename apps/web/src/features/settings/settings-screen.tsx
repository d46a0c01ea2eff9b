import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { api } from "../../api/client.ts";
import { useFeatures } from "../../api/features.ts";
import { usePolicies } from "../../api/hooks.ts";
import { type ThemeChoice, useTheme } from "../../lib/theme.ts";
import { FeaturesSection } from "./features-section.tsx";
import { GuardrailsSection } from "./guardrails-section.tsx";
import { ObservabilityForm } from "./observability-form.tsx";
import { Section } from "./section.tsx";
import { SnapshotsSection } from "./snapshots-section.tsx";

/** Global settings: appearance, the collector, retention, health thresholds, notifications. */
export function SettingsScreen() {
  const [theme, setTheme] = useTheme();
  const policies = usePolicies();
  const features = useFeatures();
  const health = useQuery({
    queryKey: ["health"],
    queryFn: ({ signal }) => api.health(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const themeName = useId();
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

        <ObservabilityForm />

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
