import type { CSSProperties, ReactNode } from "react";
import { FieldError } from "../../ui/field.tsx";

/** Inside a section, whose own rule closes it: no second rule under the buttons. */
const IN_SECTION: CSSProperties = { borderBottom: "none", paddingBottom: 0 };

/**
 * A settings form's foot: its error for the whole form, Save, Discard changes, and what the last
 * save did (a live status).
 */
export function SaveBar({
  label,
  pending,
  disabled = false,
  formError,
  status,
  inSection = false,
  onDiscard,
}: {
  label: string;
  pending: boolean;
  /** Nothing to save or discard (no change yet). */
  disabled?: boolean;
  formError?: ReactNode;
  status: ReactNode;
  inSection?: boolean;
  onDiscard: () => void;
}) {
  return (
    <>
      {formError ? <FieldError form>{formError}</FieldError> : null}
      <div className="settings-actions" style={inSection ? IN_SECTION : undefined}>
        <button type="submit" className="btn btn-primary" disabled={pending || disabled}>
          {pending ? "Saving…" : label}
        </button>
        <button type="button" className="btn" disabled={pending || disabled} onClick={onDiscard}>
          Discard changes
        </button>
        <span role="status" className="ok small">
          {status}
        </span>
      </div>
    </>
  );
}
