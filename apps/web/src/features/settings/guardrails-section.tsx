import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import {
  type Environment,
  type GuardLevel,
  type GuardrailAction,
  type GuardrailLevels,
  type GuardrailsView,
  guardrailKeys,
  guardrailsApi,
  useGuardrails,
} from "../../api/guardrails.ts";
import { ENV_LABEL } from "../../lib/format.ts";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { LockIcon } from "../../ui/icons.tsx";
import { loadState } from "../../ui/notices.tsx";
import { SaveBar } from "./save-bar.tsx";

const ENVS: Environment[] = ["dev", "staging", "prod"];
const EDITABLE = ["dev", "staging"] as const;
type Editable = (typeof EDITABLE)[number];
const ACTIONS: GuardrailAction[] = ["destructive", "raw"];

const ACTION_LABEL: Record<GuardrailAction, string> = {
  destructive: "Delete, overwrite, shorten a TTL, rollback",
  raw: "Console write or admin command",
};

const LEVEL_LABEL: Record<GuardLevel, string> = {
  none: "Runs at once",
  confirm: "Confirm dialog",
  "typed-name": "Type the connection name",
};

const LEVELS: GuardLevel[] = ["none", "confirm", "typed-name"];

type Draft = Record<Editable, Record<GuardrailAction, GuardLevel>>;
/** Where an error is shown: a select (`dev.raw`) or the form. */
type ErrorAt = `${Editable}.${GuardrailAction}` | "form";

const draftOf = (l: GuardrailLevels): Draft => ({ dev: { ...l.dev }, staging: { ...l.staging } });

function errorAt(e: ApiError): ErrorAt {
  const param = e.details?.param;
  if (typeof param !== "string") return "form";
  const [env, action] = param.split(".");
  const known =
    (EDITABLE as readonly string[]).includes(env ?? "") &&
    (ACTIONS as readonly string[]).includes(action ?? "");
  return known ? (param as ErrorAt) : "form";
}

/**
 * Settings → Guardrails: how much each environment asks before a destructive change or a console
 * write. The studio's gate enforces these for the screens, the API and the command line alike;
 * this screen only edits them. Prod is fixed at "type the name" (shown, not editable).
 */
export function GuardrailsSection() {
  const guardrails = useGuardrails();
  const qc = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [errors, setErrors] = useState<Partial<Record<ErrorAt, string>>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (guardrails.data && !draft) setDraft(draftOf(guardrails.data.levels));
  }, [guardrails.data, draft]);

  const fieldId = (at: ErrorAt) => `${id}-${at.replace(".", "-")}`;

  const save = useMutation<GuardrailsView, ApiError, Draft>({
    mutationFn: (d) => guardrailsApi.update(d),
    onSuccess: (v) => {
      qc.setQueryData(guardrailKeys.all, v);
      // The console's "what will happen" line comes from the server: ask it again.
      void qc.invalidateQueries({ queryKey: ["command-class"] });
      setDraft(draftOf(v.levels));
      setErrors({});
      setSaved(true);
    },
    onError: (e) => {
      const at = errorAt(e);
      setErrors((x) => ({ ...x, [at]: e.message }));
      if (at !== "form") document.getElementById(fieldId(at))?.focus();
    },
  });

  const wait = loadState(
    guardrails,
    "Loading the guardrail levels…",
    "Could not load the guardrail levels",
  );
  if (wait || !guardrails.data) return wait;
  if (!draft) return null;
  const view = guardrails.data;

  const setLevel = (env: Editable, action: GuardrailAction, level: GuardLevel) => {
    setDraft((d) => (d ? { ...d, [env]: { ...d[env], [action]: level } } : d));
    setSaved(false);
    setErrors((x) => {
      const { [`${env}.${action}` as ErrorAt]: _, form: __, ...rest } = x;
      return rest;
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    setSaved(false);
    save.mutate(draft);
  };

  const changed = EDITABLE.some((env) =>
    ACTIONS.some((a) => draft[env][a] !== view.levels[env][a]),
  );

  return (
    <form className="settings-checks" onSubmit={submit} noValidate aria-label="Guardrail levels">
      <p id={`${id}-hint`} className="hint">
        What each environment asks before a change. The studio enforces these for every screen, the
        API and the command line (where “Type the connection name” is <code>--confirm NAME</code>).
        Reads and writes that create a key never ask; workflows always need a dry-run and the typed
        count.
      </p>
      <table className="table guardrails-table" aria-describedby={`${id}-hint`}>
        <caption className="sr-only">Guardrail level per environment</caption>
        <thead>
          <tr>
            <th scope="col">Environment</th>
            {ACTIONS.map((a) => (
              <th key={a} scope="col">
                {ACTION_LABEL[a]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ENVS.map((env) => (
            <tr key={env} className={`env-${env}`}>
              <th scope="row" className="nowrap">
                <EnvBadge env={env} /> {ENV_LABEL[env]}
              </th>
              {ACTIONS.map((action) => {
                if (env === "prod")
                  return (
                    <td key={action}>
                      <span className="lock" title={view.fixed.prod}>
                        <LockIcon />
                        {LEVEL_LABEL[view.levels.prod[action]]}
                        <span className="sr-only"> (fixed)</span>
                      </span>
                    </td>
                  );
                const at = `${env}.${action}` as const;
                const fid = fieldId(at);
                const error = errors[at];
                const level = draft[env][action];
                const byDefault = view.defaults[env][action];
                const lower = LEVELS.indexOf(level) < LEVELS.indexOf(byDefault);
                return (
                  <td key={action}>
                    <div className="field">
                      <select
                        id={fid}
                        value={level}
                        aria-label={`${ENV_LABEL[env]}: ${ACTION_LABEL[action]}`}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error || lower ? `${fid}-note` : undefined}
                        onChange={(e) => setLevel(env, action, e.target.value as GuardLevel)}
                      >
                        {LEVELS.map((l) => (
                          <option key={l} value={l}>
                            {LEVEL_LABEL[l]}
                            {l === byDefault ? " (default)" : ""}
                          </option>
                        ))}
                      </select>
                      {error ? (
                        <p id={`${fid}-note`} className="field-error" role="alert">
                          {error}
                        </p>
                      ) : lower ? (
                        <p id={`${fid}-note`} className="hint hint-prod">
                          Below the default ({LEVEL_LABEL[byDefault].toLowerCase()}).
                        </p>
                      ) : null}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        <LockIcon /> {view.fixed.prod}
      </p>
      <SaveBar
        label="Save guardrails"
        inSection
        pending={save.isPending}
        disabled={!changed}
        formError={errors.form}
        status={saved ? "Saved: in force now for the studio and the command line." : ""}
        onDiscard={() => {
          setDraft(draftOf(view.levels));
          setErrors({});
          setSaved(false);
          save.reset();
        }}
      />
    </form>
  );
}
