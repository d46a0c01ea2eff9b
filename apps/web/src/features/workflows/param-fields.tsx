import type { ParamDescriptor } from "../../api/types.ts";
import { Field, TextInput } from "../../ui/field.tsx";
import { EntriesField } from "./entries-field.tsx";
import { type FormState, isWarmup, POLICY_FIELDS, plainParams } from "./form-model.ts";

const LABEL: Record<string, string> = {
  pattern: "Pattern",
  type: "Type",
  limit: "Limit",
  ttlSeconds: "TTL (seconds)",
  mode: "Mode",
  spreadPercent: "Spread (%)",
  condition: "Condition",
  format: "Format",
};

export function paramLabel(name: string): string {
  return LABEL[name] ?? name;
}

/**
 * A template's params as form fields, from the server's descriptors: text, numbers, choices, and
 * for the warm-up set the entries' source. `errors` maps a field name to the server's message.
 */
export function ParamFields({
  descriptors,
  form,
  onChange,
  errors,
  idPrefix,
}: {
  descriptors: readonly ParamDescriptor[];
  form: FormState;
  onChange: (next: FormState) => void;
  errors: Record<string, string>;
  idPrefix: string;
}) {
  const set = (name: string, value: string) =>
    onChange({ ...form, params: { ...form.params, [name]: value } });
  return (
    <div className="wf-fields">
      {isWarmup(descriptors) && (
        <EntriesField
          idPrefix={idPrefix}
          form={form}
          onChange={onChange}
          error={errors.entries}
          formatDescriptor={descriptors.find((d) => d.name === "format")}
        />
      )}
      {plainParams(descriptors).map((d) => {
        const value = form.params[d.name] ?? "";
        return (
          <Field
            key={d.name}
            id={`${idPrefix}-${d.name}`}
            hintId={`${idPrefix}-${d.name}-note`}
            className={`wf-field wf-field-${d.type}`}
            label={
              <>
                {paramLabel(d.name)}
                {d.required && (
                  <span className="req" aria-hidden="true">
                    {" "}
                    *
                  </span>
                )}
              </>
            }
            hint={d.help}
            error={errors[d.name]}
            replaceHint
          >
            {(slot) =>
              d.type === "enum" ? (
                <select {...slot} value={value} onChange={(e) => set(d.name, e.target.value)}>
                  <option value="">{d.required ? "choose…" : "(default)"}</option>
                  {(d.values ?? []).map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              ) : (
                <TextInput
                  {...slot}
                  className={d.name === "pattern" ? "mono" : ""}
                  inputMode={d.type === "integer" || d.type === "number" ? "decimal" : undefined}
                  value={value}
                  required={d.required}
                  onValue={(v) => set(d.name, v)}
                />
              )
            }
          </Field>
        );
      })}
    </div>
  );
}

/** The execution policy settings the form offers (the rest come from the profile). */
export function PolicyFields({
  form,
  onChange,
  errors,
  idPrefix,
}: {
  form: FormState;
  onChange: (next: FormState) => void;
  errors: Record<string, string>;
  idPrefix: string;
}) {
  const changed = POLICY_FIELDS.filter((f) => (form.policy[f.name] ?? "") !== "").length;
  const anyError = POLICY_FIELDS.some((f) => errors[`policy.${f.name}`]);
  return (
    <details className="wf-policy" open={anyError || undefined}>
      <summary>
        Execution policy
        <span className="muted small">
          {changed > 0 ? ` · ${changed} set here` : " · defaults from the profile"}
        </span>
      </summary>
      <div className="wf-fields">
        {POLICY_FIELDS.map((f) => {
          const id = `${idPrefix}-policy-${f.name.replace(".", "-")}`;
          const value = form.policy[f.name] ?? "";
          const set = (v: string) => onChange({ ...form, policy: { ...form.policy, [f.name]: v } });
          return (
            <Field
              key={f.name}
              id={id}
              hintId={`${id}-note`}
              className="wf-field"
              label={f.label}
              hint={f.hint}
              error={errors[`policy.${f.name}`]}
              replaceHint
            >
              {(slot) =>
                f.kind === "enum" ? (
                  <select {...slot} value={value} onChange={(e) => set(e.target.value)}>
                    <option value="">(default: stop)</option>
                    {(f.values ?? []).map((v) => (
                      <option key={v.value} value={v.value}>
                        {v.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <TextInput
                    {...slot}
                    className=""
                    inputMode="numeric"
                    value={value}
                    onValue={set}
                    spellCheck={undefined}
                  />
                )
              }
            </Field>
          );
        })}
      </div>
    </details>
  );
}
