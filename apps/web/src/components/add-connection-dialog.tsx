import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../api/client.ts";
import { useCreateProfile } from "../api/hooks.ts";
import { onboardingApi } from "../api/onboarding.ts";
import type { Environment, NewProfile, ProfileView } from "../api/types.ts";
import { ENV_LABEL, formatDuration } from "../lib/format.ts";

type Field = "name" | "url" | "environment" | "timeoutMs" | "form";

interface Draft {
  name: string;
  url: string;
  environment: Environment;
  readOnly: boolean;
  timeoutMs: string;
}

const EMPTY: Draft = { name: "", url: "", environment: "dev", readOnly: false, timeoutMs: "5000" };

/** What the form starts with when opened from elsewhere (onboarding's "Add with password…"). */
export type ConnectionDraft = Partial<Draft>;

/** Which input a server validation message is about, so it can be shown next to it. */
function fieldOf(error: ApiError): Field {
  const named = error.details?.field;
  if (named === "name" || named === "url" || named === "environment" || named === "timeoutMs") {
    return named;
  }
  // A failed connection test names a profile field; this form sets them all through the URL.
  if (named === "connectTimeoutMs") return "timeoutMs";
  if (typeof named === "string" && named !== "") return "url";
  const m = error.message;
  if (error.code === "conflict" || /^name\b/.test(m)) return "name";
  if (/^timeoutMs\b/.test(m)) return "timeoutMs";
  if (/^environment\b/.test(m)) return "environment";
  if (
    /^(engine|mode|host|port|nodes|db|tls|sentinel|Sentinel|Memcached|Redis Cluster|TLS|Unknown scheme|Port|Database index|The user or password)\b/.test(
      m,
    ) ||
    /\bURL\b|connection URL|redis:\/\//.test(m)
  ) {
    return "url";
  }
  return "form";
}

export function AddConnectionDialog({
  open,
  initial,
  onClose,
  onCreated,
}: {
  open: boolean;
  initial?: ConnectionDraft | undefined;
  onClose: () => void;
  onCreated: (p: ProfileView) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const create = useCreateProfile();
  // Test connection before saving: the same fields, a gated PING on an unsaved profile.
  const test = useMutation<{ ok: true; latencyMs: number }, ApiError, NewProfile>({
    mutationFn: (input) => onboardingApi.testConnection(input),
  });
  const ids = {
    title: useId(),
    error: useId(),
    name: useId(),
    url: useId(),
    urlHint: useId(),
    env: useId(),
    timeout: useId(),
  };

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setDraft({ ...EMPTY, ...initial });
      create.reset();
      test.reset();
      d.showModal();
      // A prefilled form (an address found on this machine) still needs its name and password.
      (initial?.url && initial.name ? urlRef : nameRef).current?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open, initial, create.reset, test.reset]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    // A result is about the fields as they were: it goes when they change.
    if (test.isSuccess || test.isError) test.reset();
  };

  const inputOf = (): NewProfile => {
    const t = draft.timeoutMs.trim();
    return {
      name: draft.name.trim(),
      environment: draft.environment,
      readOnly: draft.readOnly,
      ...(draft.url.trim() ? { url: draft.url.trim() } : {}),
      ...(t === "" ? {} : { timeoutMs: /^\d+$/.test(t) ? Number(t) : t }),
    };
  };

  const onTest = () => {
    create.reset();
    const input = inputOf();
    // The name is optional for a test ("unsaved connection" in history).
    test.mutate(input.name === "" ? { ...input, name: "unsaved connection" } : input);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    test.reset();
    const input = inputOf();
    create.mutate(input, {
      onSuccess: (p) => {
        onCreated(p);
        onClose();
      },
    });
  };

  const failure = create.error ?? test.error ?? undefined;
  const errField = failure ? fieldOf(failure) : undefined;
  const errorFor = (f: Field) =>
    failure && errField === f ? (
      <p id={`${ids.error}-${f}`} className="field-error" role="alert">
        {test.error ? "Connection test failed: " : ""}
        {failure.message}
      </p>
    ) : null;
  const invalid = (f: Field) =>
    errField === f
      ? { "aria-invalid": true as const, "aria-describedby": `${ids.error}-${f}` }
      : {};

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={ids.title}
      onClose={onClose}
      onCancel={onClose}
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <h2 id={ids.title}>Add connection</h2>
        {errorFor("form")}
        <div className="field">
          <label className="field-label" htmlFor={ids.name}>
            Name
          </label>
          <input
            id={ids.name}
            ref={nameRef}
            value={draft.name}
            onChange={(e) => set("name", e.target.value)}
            placeholder="orders-cache"
            autoComplete="off"
            spellCheck={false}
            {...invalid("name")}
          />
          {errorFor("name")}
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.url}>
            URL
          </label>
          <input
            id={ids.url}
            ref={urlRef}
            className="mono"
            value={draft.url}
            onChange={(e) => set("url", e.target.value)}
            placeholder="redis://127.0.0.1:6379"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={errField === "url" ? `${ids.error}-url` : ids.urlHint}
            aria-invalid={errField === "url" || undefined}
          />
          <small className="hint" id={ids.urlHint}>
            redis://, rediss:// (TLS), redis+cluster://, redis+sentinel:// or memcached://
          </small>
          {errorFor("url")}
        </div>
        <div className="field-row">
          <div className="field">
            <label className="field-label" htmlFor={ids.env}>
              Environment
            </label>
            <select
              id={ids.env}
              value={draft.environment}
              onChange={(e) => set("environment", e.target.value as Environment)}
              {...invalid("environment")}
            >
              {(["dev", "staging", "prod"] as const).map((env) => (
                <option key={env} value={env}>
                  {ENV_LABEL[env]}
                </option>
              ))}
            </select>
            {errorFor("environment")}
          </div>
          <div className="field">
            <label className="field-label" htmlFor={ids.timeout}>
              Timeout (ms)
            </label>
            <input
              id={ids.timeout}
              type="number"
              inputMode="numeric"
              min={1}
              step={100}
              value={draft.timeoutMs}
              onChange={(e) => set("timeoutMs", e.target.value)}
              {...invalid("timeoutMs")}
            />
            {errorFor("timeoutMs")}
          </div>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.readOnly}
            onChange={(e) => set("readOnly", e.target.checked)}
          />
          <span>Read-only (refuse every change through this connection)</span>
        </label>
        {draft.environment === "prod" && (
          <p className="hint hint-prod">
            Production connections get a red bar, and destructive actions ask you to type the name.
          </p>
        )}
        <div className="form-actions">
          <span className="test-result push-left" aria-live="polite">
            {test.isPending && <span className="muted">Testing…</span>}
            {test.isSuccess && (
              <span className="ok">Reachable · {formatDuration(test.data.latencyMs)}</span>
            )}
          </span>
          <button
            type="button"
            className="btn"
            onClick={onTest}
            disabled={test.isPending || create.isPending}
          >
            Test connection
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Save connection"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
