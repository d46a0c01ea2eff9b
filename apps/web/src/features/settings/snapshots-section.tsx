import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { useFeatures } from "../../api/features.ts";
import {
  type SavedSnapshotSettings,
  type SnapshotSettings,
  type SnapshotSettingsInput,
  snapshotSettingsApi,
  snapshotSettingsKeys,
  useSnapshotSettings,
} from "../../api/snapshot-settings.ts";
import { Field, FieldError, TextInput } from "../../ui/field.tsx";
import { loadState } from "../../ui/notices.tsx";
import { type ErrorAt, type NumField, PatternTable, type Row } from "./pattern-table.tsx";
import { SaveBar } from "./save-bar.tsx";

const NUMBERS: { field: NumField; label: string; unit: string; hint: string; range: string }[] = [
  {
    field: "retentionDays",
    label: "Keep snapshots for",
    unit: "days",
    hint: "Older snapshots are deleted (1 to 365).",
    range: "days, 1 to 365",
  },
  {
    field: "maxTotalMb",
    label: "Snapshot storage limit",
    unit: "MB",
    hint: "Past this total of saved values, the oldest snapshots are deleted (16 to 1,048,576).",
    range: "MB, 16 to 1,048,576",
  },
];

interface Draft {
  retentionDays: string;
  maxTotalMb: string;
  rows: Row[];
}

/** What one Save sent: the request and the rows it listed, in order (the server names an index). */
interface Sent {
  input: SnapshotSettingsInput;
  rows: Row[];
  /** The add field's text went along as the last pattern. */
  withPending: boolean;
}

function draftOf(s: SnapshotSettings, nextRow: { current: number }): Draft {
  return {
    retentionDays: String(s.retentionDays),
    maxTotalMb: String(s.maxTotalMb),
    rows: s.sensitive.map((p) => ({ id: nextRow.current++, ...p })),
  };
}

/** The field the server named in `details.param` ("retentionDays", "sensitive[1].pattern", …). */
function errorAt(e: ApiError, sent: Sent): ErrorAt {
  const param = e.details?.param;
  if (typeof param !== "string") return "form";
  if (param === "retentionDays" || param === "maxTotalMb" || param === "sensitive") return param;
  const m = /^sensitive\[(\d+)\]/.exec(param);
  if (!m) return "form";
  const i = Number(m[1]);
  const row = sent.rows[i];
  if (row) return `row:${row.id}`;
  return sent.withPending && i === sent.rows.length ? "add" : "sensitive";
}

const LOADING = ["Loading the snapshot settings…", "Could not load the snapshot settings"] as const;

/**
 * Settings → Snapshots: how long and how much of the pre-images (the values saved before each
 * change, what undo and rollback restore) are kept, and the sensitive key patterns whose values
 * are not saved unless opted in. One Save sends all of it; the server's checks are the only ones
 * on ranges and patterns, and its message is shown next to the field it names.
 */
export function SnapshotsSection() {
  const settings = useSnapshotSettings();
  const features = useFeatures();
  const qc = useQueryClient();
  const id = useId();
  const nextRow = useRef(1);
  const [draft, setDraft] = useState<Draft | undefined>();
  const [adding, setAdding] = useState("");
  const [errors, setErrors] = useState<Partial<Record<ErrorAt, string>>>({});
  const [saved, setSaved] = useState<{ pruned: number } | undefined>();
  /** The element to focus after the next render (a row's button after a removal, a bad field). */
  const [focusNext, setFocusNext] = useState<string | undefined>();

  useEffect(() => {
    if (settings.data && !draft) setDraft(draftOf(settings.data, nextRow));
  }, [settings.data, draft]);

  useEffect(() => {
    if (!focusNext) return;
    document.getElementById(focusNext)?.focus();
    setFocusNext(undefined);
  }, [focusNext]);

  const fieldId = (at: ErrorAt) => `${id}-${at}`;
  const removeId = (row: Row) => `${id}-remove-${row.id}`;

  const save = useMutation<SavedSnapshotSettings, ApiError, Sent>({
    mutationFn: (sent) => snapshotSettingsApi.update(sent.input),
    onSuccess: (s) => {
      const { pruned, ...stored } = s;
      qc.setQueryData(snapshotSettingsKeys.all, stored);
      setDraft(draftOf(stored, nextRow));
      setAdding("");
      setErrors({});
      setSaved({ pruned });
    },
    onError: (e, sent) => {
      const at = errorAt(e, sent);
      setErrors((x) => ({ ...x, [at]: e.message }));
      if (at !== "form") setFocusNext(fieldId(at));
    },
  });

  /** Any edit: the confirmation goes, and so do the errors of what was edited and the form's. */
  const edited = (...at: ErrorAt[]) => {
    setSaved(undefined);
    setErrors((x) => {
      const next = { ...x };
      for (const a of [...at, "form" as const]) delete next[a];
      return next;
    });
  };

  const wait = loadState(settings, ...LOADING);
  if (wait) return wait;
  if (!draft) return null;

  const setNumber = (f: NumField, v: string) => {
    setDraft((d) => (d ? { ...d, [f]: v } : d));
    edited(f);
  };
  const setRow = (row: Row, patch: Partial<Row>) => {
    setDraft((d) =>
      d ? { ...d, rows: d.rows.map((r) => (r.id === row.id ? { ...r, ...patch } : r)) } : d,
    );
    edited(`row:${row.id}`, "sensitive");
  };
  const removeRow = (row: Row) => {
    const i = draft.rows.findIndex((r) => r.id === row.id);
    const rest = draft.rows.filter((r) => r.id !== row.id);
    setDraft({ ...draft, rows: rest });
    edited(`row:${row.id}`, "sensitive");
    // Focus stays in the list: the row that took its place, else the one before, else the add field.
    const next = rest[i] ?? rest[i - 1];
    setFocusNext(next ? removeId(next) : fieldId("add"));
  };
  const addRow = () => {
    const pattern = adding.trim();
    if (pattern === "") {
      setErrors((x) => ({ ...x, add: 'Type a key pattern first, such as "session:*".' }));
      return;
    }
    if (draft.rows.some((r) => r.pattern.trim() === pattern)) {
      setErrors((x) => ({ ...x, add: `"${pattern}" is already in the list.` }));
      return;
    }
    setDraft({
      ...draft,
      rows: [...draft.rows, { id: nextRow.current++, pattern, snapshot: false }],
    });
    setAdding("");
    edited("add", "sensitive");
  };
  const onAddKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      // Enter here adds the pattern; it does not save the form.
      e.preventDefault();
      addRow();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    const errs: Partial<Record<ErrorAt, string>> = {};
    const nums: Partial<Record<NumField, number>> = {};
    for (const f of NUMBERS) {
      const t = draft[f.field].trim();
      // Ranges are the server's to check (its message names them); only a non-number stops here.
      if (/^\d+$/.test(t)) nums[f.field] = Number(t);
      else errs[f.field] = `${f.label}: type a whole number of ${f.range}.`;
    }
    if (Object.keys(errs).length > 0) {
      setErrors((x) => ({ ...x, ...errs }));
      const first = NUMBERS.find((f) => errs[f.field]);
      if (first) setFocusNext(fieldId(first.field));
      return;
    }
    // A pattern typed in the add field but not added yet is saved too, rather than lost.
    const pending = adding.trim();
    const withPending = pending !== "";
    const rows = draft.rows;
    const sensitive = rows.map((r) => ({ pattern: r.pattern.trim(), snapshot: r.snapshot }));
    if (withPending) sensitive.push({ pattern: pending, snapshot: false });
    setSaved(undefined);
    save.mutate({
      input: { retentionDays: nums.retentionDays!, maxTotalMb: nums.maxTotalMb!, sensitive },
      rows,
      withPending,
    });
  };

  const snapshotsOff = features.data?.features.snapshots === false;

  return (
    <form className="settings-checks" onSubmit={submit} noValidate aria-label="Snapshot settings">
      <p className="hint">
        Before each change, the studio saves the previous value of every key it touches (a
        snapshot), which is what undo and rollback put back. Past either limit, the oldest snapshots
        are deleted.
      </p>
      {snapshotsOff && (
        <p className="hint hint-prod">
          Snapshots are turned off under Features: nothing is snapshotted until they are on again.
          These settings are kept meanwhile.
        </p>
      )}
      <div className="settings-grid">
        {NUMBERS.map((f) => (
          <Field
            key={f.field}
            id={fieldId(f.field)}
            label={`${f.label} (${f.unit})`}
            hint={f.hint}
            error={errors[f.field]}
            replaceHint
          >
            {(slot) => (
              <TextInput
                {...slot}
                value={draft[f.field]}
                inputMode="numeric"
                spellCheck={undefined}
                onValue={(v) => setNumber(f.field, v)}
              />
            )}
          </Field>
        ))}
      </div>

      <h3 id={`${id}-patterns`} className="field-label">
        Sensitive key patterns
      </h3>
      <p id={`${id}-patterns-hint`} className="hint">
        Values of keys matching a sensitive pattern are not snapshotted, so changes to them cannot
        be undone, and a workflow dry-run touching them says its rollback is partial. Tick “Snapshot
        anyway” to keep the undo for a pattern’s keys.
      </p>
      <PatternTable
        labelledBy={`${id}-patterns`}
        describedBy={`${id}-patterns-hint`}
        rows={draft.rows}
        errors={errors}
        fieldId={fieldId}
        removeId={removeId}
        adding={adding}
        onAdding={(v) => {
          setAdding(v);
          edited("add");
        }}
        onAddKey={onAddKey}
        onAdd={addRow}
        onRow={setRow}
        onRemove={removeRow}
      />
      {errors.sensitive && <FieldError>{errors.sensitive}</FieldError>}
      <SaveBar
        label="Save snapshot settings"
        inSection
        pending={save.isPending}
        formError={errors.form}
        status={
          saved
            ? saved.pruned > 0
              ? `Saved. ${saved.pruned} snapshot${saved.pruned === 1 ? "" : "s"} past the new limits ${saved.pruned === 1 ? "was" : "were"} deleted.`
              : "Saved."
            : ""
        }
        onDiscard={() => {
          if (settings.data) setDraft(draftOf(settings.data, nextRow));
          setAdding("");
          setErrors({});
          setSaved(undefined);
          save.reset();
        }}
      />
    </form>
  );
}
