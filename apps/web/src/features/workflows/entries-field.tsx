import { type ChangeEvent, useId, useRef, useState } from "react";
import type { ParamDescriptor } from "../../api/types.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { Field, Select } from "../../ui/field.tsx";
import {
  type EntriesState,
  type FormState,
  MAX_UPLOAD_BYTES,
  tooLargeToUpload,
  uploadSize,
} from "./form-model.ts";
import { detectFormat, MAX_INLINE_ENTRIES, parseEntries } from "./parse-entries.ts";

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
export function EntriesField({
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
  const ids = { text: useId(), note: useId(), file: useId() };
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
            <Field label="Format" className="narrow">
              {({ id }) => (
                <Select
                  id={id}
                  value={form.params.format ?? ""}
                  onValue={(format) => onChange({ ...form, params: { ...form.params, format } })}
                  options={[
                    { value: "", label: "from the file" },
                    ...(formatDescriptor.values ?? []).map((v) => ({
                      value: v,
                      label: v === "jsonl" ? "JSON lines" : "CSV",
                    })),
                  ]}
                />
              )}
            </Field>
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
