import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useState } from "react";
import { type ApiError, workflowApi } from "../../api/client.ts";
import type { ExecutionDetail, PlanPage } from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { FormActions } from "../../ui/form-actions.tsx";
import {
  type FormState,
  fieldOfParam,
  formFromParams,
  paramsChanges,
  paramsFromForm,
} from "./form-model.ts";
import { ParamFields } from "./param-fields.tsx";
import { ParamsDiff } from "./plan-table.tsx";
import { type BuiltinTemplate, useFormErrors } from "./template-form.tsx";
import { shortId } from "./wf-format.ts";

/**
 * "Rerun with edits": the original params in the template's form; the params that differ are
 * listed (before → after) before the new dry-run is made. The dry-run never runs by itself.
 */
export function RerunEditor({
  execution,
  builtin,
  onCancel,
  onPlanned,
}: {
  execution: ExecutionDetail;
  builtin: BuiltinTemplate;
  onCancel: () => void;
  onPlanned: (plan: PlanPage) => void;
}) {
  const [form, setForm] = useState<FormState>(() =>
    formFromParams(builtin.params, execution.params),
  );
  // No policy fields here: a policy error is the whole form's.
  const { errors, setErrors, notice, fail, ready } = useFormErrors((param) =>
    fieldOfParam(param, builtin.params, false),
  );
  const titleId = useId();

  const before = useMemo(() => {
    const b = { ...execution.params };
    // Inline warm-up entries are redacted in the record ("<3 inline entries>"): kept as they were.
    if (typeof b.entries === "string") delete b.entries;
    return b;
  }, [execution.params]);
  const built = paramsFromForm(builtin.params, form);
  // A file not picked again is left as the original run had it: the studio then says to upload
  // it (an uploaded file is not kept; a path is read for the command line only).
  const changes = paramsChanges(before, built.params).filter(
    (c) => !((c.param === "content" || c.param === "file") && c.to === undefined),
  );
  // The diff shows an upload as its name and size, not its text.
  const shown = changes.map((c) =>
    c.param === "content" && typeof c.to === "string"
      ? {
          ...c,
          to: `<${form.entries.fileName ?? "file"}: ${formatCount(form.entries.uploadBytes ?? c.to.length)} bytes>`,
        }
      : c,
  );

  const plan = useMutation<PlanPage, ApiError>({
    mutationFn: () =>
      workflowApi.rerun(execution.executionId, {
        // An emptied param is sent as "" (the server then drops it from the original params).
        params: Object.fromEntries(changes.map((c) => [c.param, c.to === undefined ? "" : c.to])),
        wait: "first-page",
        pageSize: 100,
      }),
    onSuccess: onPlanned,
    onError: fail,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready(built.problems)) plan.mutate();
  };

  return (
    <form className="wf-form wf-rerun" onSubmit={submit} noValidate aria-labelledby={titleId}>
      <h3 id={titleId} className="wf-h3">
        Rerun with edits
      </h3>
      <p className="hint">
        The params of {shortId(execution.executionId)}, ready to change. A new dry-run is made
        first; nothing runs until you confirm it.
      </p>
      <ParamFields
        descriptors={builtin.params}
        form={form}
        onChange={(next) => {
          setForm(next);
          setErrors({});
        }}
        errors={errors}
        idPrefix={`rerun-${execution.executionId}`}
      />
      <div className="wf-diff-preview" aria-live="polite">
        {changes.length === 0 ? (
          <p className="hint">No param changed yet: the dry-run would use the same params.</p>
        ) : (
          <>
            <p className="field-label">
              {changes.length} {changes.length === 1 ? "param changes" : "params change"}
            </p>
            <ParamsDiff diff={shown} />
          </>
        )}
      </div>
      {notice("The rerun's dry-run was not made")}
      <FormActions
        submitLabel="Dry-run with these changes"
        busy={plan.isPending}
        busyLabel="Making the dry-run…"
        cancelLabel="Back to the timeline"
        onCancel={onCancel}
      />
    </form>
  );
}
