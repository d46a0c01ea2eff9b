import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { useCreateProfile } from "../../api/hooks.ts";
import { onboardingApi } from "../../api/onboarding.ts";
import type { Environment, NewProfile, ProfileView } from "../../api/types.ts";
import { ENV_OPTIONS, formatDuration } from "../../lib/format.ts";
import { Check } from "../../ui/check.tsx";
import { Field, FieldError, Select, TextInput } from "../../ui/field.tsx";
import { paramOf } from "../../ui/field-errors.ts";
import { FormActions } from "../../ui/form-actions.tsx";
import { type Target, targetOf } from "./connection-fields.ts";

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
  const ids = { title: useId() };

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
  const errField = failure ? targetOf(paramOf(failure)) : undefined;
  const errorFor = (f: Target) =>
    failure && errField === f ? (
      <>
        {test.error ? "Connection test failed: " : ""}
        {failure.message}
      </>
    ) : undefined;

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
        {errField === "form" && <FieldError>{errorFor("form")}</FieldError>}
        <Field label="Name" error={errorFor("name")}>
          {(slot) => (
            <TextInput
              {...slot}
              className=""
              inputRef={nameRef}
              value={draft.name}
              onValue={(v) => set("name", v)}
              placeholder="orders-cache"
            />
          )}
        </Field>
        <Field
          label="URL"
          hint="redis://, rediss:// (TLS), redis+cluster://, redis+sentinel:// or memcached://"
          hintAs="small"
          error={errorFor("url")}
        >
          {(slot) => (
            <TextInput
              {...slot}
              inputRef={urlRef}
              value={draft.url}
              onValue={(v) => set("url", v)}
              placeholder="redis://127.0.0.1:6379"
            />
          )}
        </Field>
        <div className="field-row">
          <Field label="Environment" error={errorFor("environment")}>
            {(slot) => (
              <Select
                {...slot}
                value={draft.environment}
                onValue={(v) => set("environment", v)}
                options={ENV_OPTIONS}
              />
            )}
          </Field>
          <Field label="Timeout (ms)" error={errorFor("timeoutMs")}>
            {(slot) => (
              <input
                {...slot}
                type="number"
                inputMode="numeric"
                min={1}
                step={100}
                value={draft.timeoutMs}
                onChange={(e) => set("timeoutMs", e.target.value)}
              />
            )}
          </Field>
        </div>
        <Check checked={draft.readOnly} onChange={(on) => set("readOnly", on)}>
          <span>Read-only (refuse every change through this connection)</span>
        </Check>
        {draft.environment === "prod" && (
          <p className="hint hint-prod">
            Production connections get a red bar, and destructive actions ask you to type the name.
          </p>
        )}
        <FormActions
          submitLabel="Save connection"
          busy={create.isPending}
          busyLabel="Saving…"
          onCancel={onClose}
        >
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
        </FormActions>
      </form>
    </dialog>
  );
}
