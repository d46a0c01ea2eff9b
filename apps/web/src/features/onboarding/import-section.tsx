import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { qk } from "../../api/hooks.ts";
import { type ImportAnswer, onboardingApi } from "../../api/onboarding.ts";
import type { Environment } from "../../api/types.ts";
import { ENV_OPTIONS } from "../../lib/format.ts";
import { profileAddress } from "../../lib/profile.ts";
import { routeHref } from "../../lib/route.ts";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { Field, Select, TextArea } from "../../ui/field.tsx";
import { LockIcon } from "../../ui/icons.tsx";

/** Imports of connection files: ours, other tools', URL lists (checked first, then imported). */
export function ImportSection() {
  const qc = useQueryClient();
  const ids = { title: useId() };
  const [content, setContent] = useState("");
  const [fileName, setFileName] = useState<string | undefined>();
  const [environment, setEnvironment] = useState<Environment>("dev");
  const run = useMutation<ImportAnswer, ApiError, boolean>({
    mutationFn: (dryRun) => onboardingApi.importFile({ content, environment, dryRun }),
    onSuccess: (r) => {
      if (r.imported) void qc.invalidateQueries({ queryKey: qk.profiles });
    },
  });
  const answer = run.data;

  const pick = async (file: File | undefined) => {
    run.reset();
    if (!file) return;
    setFileName(file.name);
    setContent(await file.text());
  };

  return (
    <section className="ob-section ob-import" aria-labelledby={ids.title}>
      <h2 id={ids.title} className="ob-title">
        Import connections
      </h2>
      <p className="muted small">
        A Cachify Studio export (from any version), RedisInsight's exported database list (JSON),
        Another Redis Desktop Manager's <code>connections.ano</code>, or connection URLs one per
        line. The file is imported whole or not at all; SSH tunnels are not imported.
      </p>
      <Field label="Connections file">
        {({ id }) => (
          <input
            id={id}
            type="file"
            accept=".json,.ano,.txt,.conf,text/plain,application/json"
            onChange={(e) => void pick(e.target.files?.[0])}
          />
        )}
      </Field>
      <Field
        label={fileName ? `Content of ${fileName}` : "…or paste the content or a list of URLs"}
      >
        {({ id }) => (
          <TextArea
            id={id}
            className="mono ob-paste"
            rows={5}
            value={content}
            onValue={(v) => {
              setContent(v);
              setFileName(undefined);
              run.reset();
            }}
            placeholder={"redis://127.0.0.1:6379\nsessions rediss://cache.example.com:6380"}
          />
        )}
      </Field>
      <Field
        label="Environment for the imported connections"
        hint="For other tools' files and URL lists; Cachify Studio files keep their own (dev where an older file has none)."
        hintAs="small"
      >
        {(slot) => (
          <Select
            {...slot}
            value={environment}
            options={ENV_OPTIONS}
            onValue={(v) => {
              setEnvironment(v);
              run.reset();
            }}
          />
        )}
      </Field>
      {run.isError && (
        <ErrorNotice title="Nothing was imported" error={run.error} onDismiss={run.reset} />
      )}
      {answer && (
        <div className={answer.imported ? "ob-result ob-result-done" : "ob-result"} role="status">
          <p>
            <strong>
              {answer.imported ? "Imported" : "Ready to import"} {answer.profiles.length} connection
              {answer.profiles.length === 1 ? "" : "s"}
            </strong>{" "}
            <span className="muted">from a {answer.formatLabel}.</span>
          </p>
          {answer.notes.map((n) => (
            <p key={n} className="muted small">
              {n}
            </p>
          ))}
          <ul className="ob-preview" aria-label="Connections in the file">
            {answer.profiles.map((p) => (
              <li key={p.id}>
                <EnvBadge env={p.environment} />
                {answer.imported ? (
                  <a href={routeHref({ profileId: p.id, tab: "browser" })}>{p.name}</a>
                ) : (
                  <span>{p.name}</span>
                )}
                <span className="muted mono small">
                  {p.engine} · {profileAddress(p)}
                </span>
                {p.readOnly && <LockIcon label="read-only" />}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          disabled={content.trim() === "" || run.isPending}
          onClick={() => run.mutate(true)}
        >
          Check the file
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={content.trim() === "" || run.isPending || answer?.imported === true}
          onClick={() => run.mutate(false)}
        >
          {run.isPending ? "Working…" : "Import"}
        </button>
      </div>
    </section>
  );
}
