import { type ChangeEvent, useId, useRef, useState } from "react";
import type { ParamDescriptor } from "../../api/types.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import {
  type EntriesState,
  type FormState,
  isWarmup,
  MAX_UPLOAD_BYTES,
  POLICY_FIELDS,
  plainParams,
  tooLargeToUpload,
  uploadSize,
} from "./form-model.ts";
import { detectFormat, MAX_INLINE_ENTRIES, parseEntries } from "./parse-entries.ts";

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

/** The message under a field: the server's when it named this field, else the help text. */
function FieldNote({ id, error, help }: { id: string; error?: string | undefined; help: string }) {
  return error ? (
    <p id={id} className="field-error" role="alert">
      {error}
    </p>
  ) : (
    <p id={id} className="hint">
      {help}
    </p>
  );
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
        const id = `${idPrefix}-${d.name}`;
        const noteId = `${id}-note`;
        const error = errors[d.name];
        const value = form.params[d.name] ?? "";
        const common = {
          id,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": noteId,
        } as const;
        return (
          <div key={d.name} className={`field wf-field wf-field-${d.type}`}>
            <label className="field-label" htmlFor={id}>
              {paramLabel(d.name)}
              {d.required && (
                <span className="req" aria-hidden="true">
                  {" "}
                  *
                </span>
              )}
            </label>
            {d.type === "enum" ? (
              <select {...common} value={value} onChange={(e) => set(d.name, e.target.value)}>
                <option value="">{d.required ? "choose…" : "(default)"}</option>
                {(d.values ?? []).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                className={d.name === "pattern" ? "mono" : undefined}
                inputMode={d.type === "integer" || d.type === "number" ? "decimal" : undefined}
                value={value}
                required={d.required}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set(d.name, e.target.value)}
              />
            )}
            <FieldNote id={noteId} error={error} help={d.help} />
          </div>
        );
      })}
    </div>
  );
}

const SOURCE_LABEL: Record<EntriesState["source"], string> = {
  typed: "Type or paste",
  upload: "File from this computer",
  kept: "Keep the original entries",
};

/**
 * Where a warm-up set's entries come from: typed or pasted (JSON lines or CSV, sent as inline
 * entries, at most 10,000), or a file picked in the browser, whose content is uploaded with the
 * dry-run and read by the studio (any number of entries, up to the upload limit). The studio reads
 * no path for the browser: a file is always one the user picked here.
 */
function EntriesField({
  idPrefix,
  form,
  onChange,
  error,
  formatDescriptor,
}: {
  idPrefix: string;
  form: FormState;
  onChange: (next: FormState) => void;
  error: string | undefined;
  formatDescriptor: ParamDescriptor | undefined;
}) {
  const e = form.entries;
  const fileRef = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | undefined>();
  const ids = { text: useId(), note: useId(), file: useId(), format: useId() };
  const setEntries = (next: Partial<EntriesState>) =>
    onChange({ ...form, entries: { ...e, ...next } });
  const sources: EntriesState["source"][] = e.keptNote
    ? ["kept", "typed", "upload"]
    : ["typed", "upload"];

  const parsed =
    e.source === "typed" && e.text.trim() !== ""
      ? parseEntries(e.text, detectFormat(e.text, e.fileName))
      : undefined;
  const tooLarge =
    e.source === "upload" && (e.uploadBytes ?? 0) > MAX_UPLOAD_BYTES
      ? tooLargeToUpload(e.fileName, e.uploadBytes!)
      : undefined;
  const localError =
    readError ??
    tooLarge ??
    (parsed && parsed.errors.length > 0
      ? parsed.errors.join(" ")
      : parsed?.tooMany
        ? `More than ${formatCount(MAX_INLINE_ENTRIES)} entries: typed entries stop there. Save them in a file and pick it (File from this computer): a file is uploaded whole.`
        : undefined);
  const shownError = error ?? localError;

  const pick = async (ev: ChangeEvent<HTMLInputElement>) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    setReadError(undefined);
    // Not even read when it cannot be sent (JSON escaping only adds to its size).
    if (file.size > MAX_UPLOAD_BYTES) {
      setReadError(tooLargeToUpload(file.name, file.size));
      return;
    }
    setReading(true);
    try {
      const text = await file.text();
      setEntries({
        source: "upload",
        text,
        fileName: file.name,
        uploadBytes: uploadSize(text),
        pickAgain: undefined,
      });
    } catch {
      setReadError(`Could not read ${file.name}: pick it again, or paste its content.`);
    } finally {
      setReading(false);
    }
  };

  return (
    <fieldset className="field wf-entries">
      <legend className="field-label">
        Entries{" "}
        <span className="req" aria-hidden="true">
          *
        </span>
      </legend>
      <div className="segmented" role="radiogroup" aria-label="Entries come from">
        {sources.map((s) => (
          <label key={s}>
            <input
              className="segmented-radio"
              type="radio"
              name={`${idPrefix}-entries-source`}
              value={s}
              checked={e.source === s}
              onChange={() => {
                setReadError(undefined);
                if (s === e.source) return;
                // Upload → typed keeps the file's text to edit; any other switch starts empty.
                const keep = s === "typed" && e.source === "upload";
                setEntries({
                  source: s,
                  text: keep ? e.text : "",
                  fileName: undefined,
                  uploadBytes: undefined,
                });
              }}
            />
            <span>{SOURCE_LABEL[s]}</span>
          </label>
        ))}
      </div>
      {e.source === "kept" && (
        <p className="hint">
          The rerun keeps the original run's entries ({e.keptNote ?? "inline entries"}); their
          values are not shown here. Choose another source to replace them.
        </p>
      )}
      {e.source === "typed" && (
        <>
          <label className="sr-only" htmlFor={ids.text}>
            Entries as JSON lines or CSV
          </label>
          <textarea
            id={ids.text}
            className="mono wf-entries-text"
            rows={5}
            value={e.text}
            spellCheck={false}
            placeholder={
              '{"key":"user:1","value":"Ada","ttlSeconds":3600}\n— or CSV —\nkey,value,ttlSeconds\nuser:1,Ada,3600'
            }
            aria-invalid={shownError ? true : undefined}
            aria-describedby={ids.note}
            onChange={(ev) => setEntries({ text: ev.target.value, fileName: undefined })}
          />
        </>
      )}
      {e.source === "upload" && (
        <div className="field-row">
          <div className="wf-upload grow2">
            <input
              ref={fileRef}
              id={ids.file}
              type="file"
              accept=".jsonl,.ndjson,.json,.csv,.txt,text/csv,application/json"
              className="sr-only"
              tabIndex={-1}
              aria-label="Entries file (JSON lines or CSV)"
              onChange={(ev) => void pick(ev)}
              aria-describedby={ids.note}
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => fileRef.current?.click()}
            >
              {e.fileName ? "Choose another file…" : "Choose a file…"}
            </button>
            <span className="mono">{reading ? "Reading…" : (e.fileName ?? "No file chosen")}</span>
          </div>
          {formatDescriptor && (
            <div className="field narrow">
              <label className="field-label" htmlFor={ids.format}>
                Format
              </label>
              <select
                id={ids.format}
                value={form.params.format ?? ""}
                onChange={(ev) =>
                  onChange({ ...form, params: { ...form.params, format: ev.target.value } })
                }
              >
                <option value="">from the file</option>
                {(formatDescriptor.values ?? []).map((v) => (
                  <option key={v} value={v}>
                    {v === "jsonl" ? "JSON lines" : "CSV"}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
      )}
      <div id={ids.note} aria-live="polite">
        {shownError ? (
          <p className="field-error" role="alert">
            {shownError}
          </p>
        ) : parsed ? (
          <p className="hint">
            {formatCount(parsed.entries.length)} {parsed.entries.length === 1 ? "entry" : "entries"}{" "}
            read as {parsed.format === "csv" ? "CSV" : "JSON lines"}; they are sent as inline
            entries (at most {formatCount(MAX_INLINE_ENTRIES)}).
          </p>
        ) : e.source === "upload" && e.fileName !== undefined ? (
          <p className="hint">
            {e.fileName} ({formatBytes(e.uploadBytes ?? 0)}) is uploaded with the dry-run and read
            by the studio: JSON lines or CSV with a key,value[,ttlSeconds] header, up to{" "}
            {formatBytes(MAX_UPLOAD_BYTES)}.
          </p>
        ) : e.source === "upload" && e.pickAgain ? (
          <p className="hint">{e.pickAgain}</p>
        ) : e.source !== "kept" ? (
          <p className="hint">
            JSON lines (one {'{"key", "value", "ttlSeconds"?}'} per line) or CSV with a
            key,value[,ttlSeconds] header.
          </p>
        ) : null}
      </div>
    </fieldset>
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
          const noteId = `${id}-note`;
          const error = errors[`policy.${f.name}`];
          const value = form.policy[f.name] ?? "";
          const set = (v: string) => onChange({ ...form, policy: { ...form.policy, [f.name]: v } });
          return (
            <div key={f.name} className="field wf-field">
              <label className="field-label" htmlFor={id}>
                {f.label}
              </label>
              {f.kind === "enum" ? (
                <select
                  id={id}
                  value={value}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={noteId}
                  onChange={(e) => set(e.target.value)}
                >
                  <option value="">(default: stop)</option>
                  {(f.values ?? []).map((v) => (
                    <option key={v.value} value={v.value}>
                      {v.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  inputMode="numeric"
                  value={value}
                  autoComplete="off"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={noteId}
                  onChange={(e) => set(e.target.value)}
                />
              )}
              <FieldNote id={noteId} error={error} help={f.hint} />
            </div>
          );
        })}
      </div>
    </details>
  );
}
