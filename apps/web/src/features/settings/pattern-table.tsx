import type { KeyboardEvent } from "react";
import { FieldError, TextInput } from "../../ui/field.tsx";

/** One sensitive pattern being edited; `id` keeps a row (and its error) stable while others go. */
export interface Row {
  id: number;
  pattern: string;
  snapshot: boolean;
}

/**
 * Where an error is shown: a number field, a pattern row (`row:<id>`), the add field, the list as a
 * whole, or the form.
 */
/** The snapshot settings' number fields. */
export type NumField = "retentionDays" | "maxTotalMb";

export type ErrorAt = NumField | `row:${number}` | "add" | "sensitive" | "form";

/** The sensitive key patterns: one editable row each, its switch and Remove; the add field below. */
export function PatternTable({
  labelledBy,
  describedBy,
  rows,
  errors,
  fieldId,
  removeId,
  adding,
  onAdding,
  onAddKey,
  onAdd,
  onRow,
  onRemove,
}: {
  labelledBy: string;
  describedBy: string;
  rows: Row[];
  errors: Partial<Record<ErrorAt, string>>;
  fieldId: (at: ErrorAt) => string;
  removeId: (row: Row) => string;
  adding: string;
  onAdding: (v: string) => void;
  onAddKey: (e: KeyboardEvent<HTMLInputElement>) => void;
  onAdd: () => void;
  onRow: (row: Row, patch: Partial<Row>) => void;
  onRemove: (row: Row) => void;
}) {
  return (
    <table className="table" aria-labelledby={labelledBy} aria-describedby={describedBy}>
      <thead>
        <tr>
          <th scope="col">Key pattern (glob)</th>
          <th scope="col" className="col-kind nowrap">
            Snapshot anyway
          </th>
          <th scope="col" className="col-actions">
            <span className="sr-only">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={3} className="muted">
              No sensitive patterns: every key a change touches is snapshotted.
            </td>
          </tr>
        )}
        {rows.map((row, i) => {
          const at = `row:${row.id}` as const;
          const pid = fieldId(at);
          const error = errors[at];
          const n = i + 1;
          return (
            <tr key={row.id}>
              <td>
                <PatternInput
                  id={pid}
                  value={row.pattern}
                  label={`Sensitive pattern ${n}`}
                  error={error}
                  onValue={(v) => onRow(row, { pattern: v })}
                />
              </td>
              <td className="col-kind">
                <label className="check">
                  <input
                    type="checkbox"
                    checked={row.snapshot}
                    aria-label={`Snapshot anyway (pattern ${n})`}
                    onChange={(e) => onRow(row, { snapshot: e.target.checked })}
                  />
                  <span className={row.snapshot ? "small" : "small muted"}>
                    {row.snapshot ? "snapshotted" : "not snapshotted"}
                  </span>
                </label>
              </td>
              <td className="col-actions">
                <button
                  id={removeId(row)}
                  type="button"
                  className="btn btn-small btn-ghost btn-danger-quiet"
                  aria-label={`Remove pattern ${n}`}
                  onClick={() => onRemove(row)}
                >
                  Remove
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td>
            <PatternInput
              id={fieldId("add")}
              value={adding}
              placeholder="e.g. secret:*"
              label="New sensitive pattern"
              error={errors.add}
              onValue={onAdding}
              onKeyDown={onAddKey}
            />
          </td>
          <td colSpan={2}>
            <button type="button" className="btn btn-small" onClick={onAdd}>
              Add pattern
            </button>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

/** A pattern in the sensitive list (or the add field): labelled for screen readers, its error below. */
function PatternInput({
  id,
  label,
  error,
  ...rest
}: {
  id: string;
  label: string;
  error: string | undefined;
  value: string;
  onValue: (v: string) => void;
  placeholder?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  return (
    <div className="field">
      <TextInput
        id={id}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
    </div>
  );
}
