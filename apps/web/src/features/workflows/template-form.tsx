import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { type ApiError, isApiError, workflowApi } from "../../api/client.ts";
import { wfk } from "../../api/hooks.ts";
import type {
  BuiltinId,
  PlanPage,
  ProfileView,
  SavedWorkflowTemplate,
  WorkflowTemplate,
} from "../../api/types.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { paramOf } from "../../ui/field-errors.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import {
  type FormState,
  fieldOfParam,
  formFromParams,
  POLICY_FIELDS,
  paramsFromForm,
  plainParams,
  policyFromForm,
} from "./form-model.ts";
import { ParamFields, PolicyFields } from "./param-fields.tsx";

export type BuiltinTemplate = Extract<WorkflowTemplate, { saved: false }>;

/**
 * Splits a server error into the field it names (shown there) or the whole form: the field is
 * the one `toField` maps the error's `details.param` to (undefined: the form shows no such field).
 */
export function splitError(
  e: unknown,
  toField: (param: string) => string | undefined,
): { fields: Record<string, string>; general?: unknown } {
  if (isApiError(e) && e.code === "bad-input") {
    const param = paramOf(e);
    const field = param !== undefined ? toField(param) : undefined;
    if (field) return { fields: { [field]: e.message } };
  }
  return e ? { fields: {}, general: e } : { fields: {} };
}

/**
 * A workflow form's errors: by field (the form's own problems, or the server's message on the
 * field its param maps to, `toField`) and the rest for the whole form.
 */
export function useFormErrors(toField: (param: string) => string | undefined) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<unknown>();
  return {
    errors,
    setErrors,
    /** The server refused: its message goes where it belongs. */
    fail: (e: unknown) => {
      const s = splitError(e, toField);
      setErrors(s.fields);
      setGeneral(s.general);
    },
    /** The whole form's error (none of its fields), dismissable. */
    notice: (title: string) =>
      general !== undefined && (
        <ErrorNotice
          compact
          title={title}
          error={general}
          onDismiss={() => setGeneral(undefined)}
        />
      ),
    /** Before sending: false (and the problems shown) when the form has any. */
    ready: (problems: Record<string, string>) => {
      if (Object.keys(problems).length > 0) {
        setErrors(problems);
        return false;
      }
      setErrors({});
      setGeneral(undefined);
      return true;
    },
  };
}

/**
 * One template's form: its params (from the built-in's descriptors), the policy settings, and
 * the actions: dry-run (server-side, nothing changes), save as a preset, and for a preset save
 * changes or delete it. The server validates; its messages appear next to the field they name.
 */
export function TemplateForm({
  profile,
  template,
  builtin,
  onPlanned,
  onSelect,
}: {
  profile: ProfileView;
  template: WorkflowTemplate;
  builtin: BuiltinTemplate;
  onPlanned: (plan: PlanPage) => void;
  onSelect: (templateId: string) => void;
}) {
  const qc = useQueryClient();
  const saved = template.saved ? template : undefined;
  const [form, setForm] = useState<FormState>(() =>
    formFromParams(builtin.params, saved?.params, saved?.policy),
  );
  const { errors, setErrors, notice, fail, ready } = useFormErrors((param) =>
    fieldOfParam(param, builtin.params),
  );
  const [dialog, setDialog] = useState<"save" | "delete" | undefined>();
  const titleId = useId();
  const lock = readOnlyReason(profile);
  const engineNote = builtin.engines[profile.engine];

  const update = (next: FormState) => {
    setForm(next);
    // An edited field's old server message no longer applies.
    const stale = Object.keys(errors).filter(
      (k) =>
        (k.startsWith("policy.")
          ? next.policy[k.slice(7)] !== form.policy[k.slice(7)]
          : next.params[k] !== form.params[k]) ||
        (k === "entries" && next.entries !== form.entries),
    );
    if (stale.length) {
      const rest = { ...errors };
      for (const k of stale) delete rest[k];
      setErrors(rest);
    }
  };

  /** Params to send: for a preset, a field emptied here removes the preset's value ("" ). */
  const build = () => {
    const built = paramsFromForm(builtin.params, form);
    if (saved) {
      for (const name of Object.keys(saved.params)) {
        if (!(name in built.params) && plainParams(builtin.params).some((d) => d.name === name))
          built.params[name] = "";
      }
    }
    return built;
  };

  const plan = useMutation<PlanPage, ApiError>({
    mutationFn: () => {
      const built = build();
      return workflowApi.plan({
        template: template.id,
        profileId: profile.id,
        params: built.params,
        policy: policyFromForm(form),
        wait: "first-page",
        pageSize: 100,
      });
    },
    onSuccess: (p) => onPlanned(p),
    onError: fail,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready(build().problems)) plan.mutate();
  };

  const saveChanges = useMutation<SavedWorkflowTemplate, ApiError>({
    mutationFn: () => {
      const policy: Record<string, unknown> = {};
      const given = policyFromForm(form);
      for (const f of POLICY_FIELDS) policy[f.name] = given[f.name] ?? "";
      return workflowApi.editTemplate(saved!.id, {
        params: paramsFromForm(builtin.params, form).params,
        policy,
        replace: true,
      });
    },
    onSuccess: () => {
      ready({});
      void qc.invalidateQueries({ queryKey: wfk.templates });
    },
    onError: fail,
  });

  const title = saved ? saved.name : builtin.title;

  return (
    <>
      <form className="wf-form" onSubmit={submit} noValidate aria-labelledby={titleId}>
        <header className="wf-form-head">
          <h2 id={titleId}>{title}</h2>
          <p className="muted">
            {saved ? (
              <>
                Preset of <strong>{builtin.title}</strong> · version {saved.version}
                {saved.description ? ` · ${saved.description}` : ""}
              </>
            ) : (
              builtin.description
            )}
          </p>
          <p className="hint">
            On {profile.engine === "redis" ? "Redis" : "Memcached"}: {engineNote}.
          </p>
        </header>

        <ParamFields
          descriptors={builtin.params}
          form={form}
          onChange={update}
          errors={errors}
          idPrefix={`wf-${template.id}`}
        />
        <PolicyFields
          form={form}
          onChange={update}
          errors={errors}
          idPrefix={`wf-${template.id}`}
        />

        {notice("The dry-run was not made")}
        {saveChanges.isSuccess && !saveChanges.isPending && (
          <p className="hint" role="status">
            Saved as version {saveChanges.data.version}.
          </p>
        )}

        <div className="wf-form-actions">
          <button type="submit" className="btn btn-primary" disabled={plan.isPending}>
            {plan.isPending ? "Making the dry-run…" : "Dry-run"}
          </button>
          <span className="hint">
            Lists what would change; nothing is changed
            {lock ? " (allowed on this read-only connection)" : ""}.
          </span>
          <span className="push-right wf-form-secondary">
            {saved && (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={saveChanges.isPending}
                  onClick={() => saveChanges.mutate()}
                >
                  Save preset changes
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger-quiet"
                  onClick={() => setDialog("delete")}
                >
                  Delete preset
                </button>
              </>
            )}
            <button type="button" className="btn btn-small" onClick={() => setDialog("save")}>
              Save as preset…
            </button>
          </span>
        </div>
      </form>

      {dialog === "save" && (
        <SavePresetDialog
          builtin={builtin.id}
          form={form}
          descriptors={builtin}
          suggested={saved ? `${saved.name} copy` : ""}
          onClose={() => setDialog(undefined)}
          onSaved={(t) => {
            setDialog(undefined);
            void qc.invalidateQueries({ queryKey: wfk.templates });
            onSelect(t.id);
          }}
        />
      )}
      {dialog === "delete" && saved && (
        <DeletePresetDialog
          template={saved}
          onClose={() => setDialog(undefined)}
          onDeleted={() => {
            setDialog(undefined);
            void qc.invalidateQueries({ queryKey: wfk.templates });
            onSelect(builtin.id);
          }}
        />
      )}
    </>
  );
}

function SavePresetDialog({
  builtin,
  descriptors,
  form,
  suggested,
  onClose,
  onSaved,
}: {
  builtin: BuiltinId;
  descriptors: BuiltinTemplate;
  form: FormState;
  suggested: string;
  onClose: () => void;
  onSaved: (t: SavedWorkflowTemplate) => void;
}) {
  const [name, setName] = useState(suggested);
  const [description, setDescription] = useState("");
  const save = useMutation<SavedWorkflowTemplate, ApiError>({
    mutationFn: () =>
      workflowApi.saveTemplate({
        name: name.trim(),
        builtin,
        params: paramsFromForm(descriptors.params, form).params,
        policy: policyFromForm(form),
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    onSuccess: onSaved,
  });
  return (
    <FormDialog
      title={`Save ${descriptors.title} as a preset`}
      submitLabel="Save preset"
      busy={save.isPending}
      error={save.error ?? undefined}
      canSubmit={name.trim() !== ""}
      onSubmit={() => save.mutate()}
      onClose={onClose}
    >
      <Field
        label="Preset name"
        hint="Saving a name that exists makes a new version of it. Params left empty are given at each run."
      >
        {(slot) => <TextInput {...slot} className="" value={name} onValue={setName} />}
      </Field>
      <Field label="Description (optional)">
        {({ id }) => (
          <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
    </FormDialog>
  );
}

function DeletePresetDialog({
  template,
  onClose,
  onDeleted,
}: {
  template: SavedWorkflowTemplate;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useMutation<{ removed: true }, ApiError>({
    mutationFn: () => workflowApi.removeTemplate(template.id),
    onSuccess: onDeleted,
  });
  return (
    <FormDialog
      title={`Delete preset ${template.name}`}
      submitLabel="Delete preset"
      busy={remove.isPending}
      error={remove.error ?? undefined}
      onSubmit={() => remove.mutate()}
      onClose={onClose}
    >
      <p>
        The preset <strong>{template.name}</strong> (version {template.version}) is removed from
        this studio. Executions made from it stay in the history; no cache is touched.
      </p>
    </FormDialog>
  );
}
