import type { ReactNode } from "react";

/**
 * A form's buttons: Cancel (or Back), and the submit button that says what it does and shows
 * `busyLabel` while the request runs. `children` go first (a test result, another action).
 */
export function FormActions({
  submitLabel,
  busy,
  busyLabel = "Working…",
  disabled = false,
  onCancel,
  cancelLabel = "Cancel",
  className = "form-actions",
  small = false,
  children,
}: {
  submitLabel: ReactNode;
  busy: boolean;
  busyLabel?: string;
  /** Off for another reason than being busy (nothing to send yet). */
  disabled?: boolean;
  onCancel: () => void;
  cancelLabel?: string;
  className?: string;
  small?: boolean;
  children?: ReactNode;
}) {
  const btn = small ? "btn btn-small" : "btn";
  const Box = className === "valuebar-actions" ? "span" : "div";
  return (
    <Box className={className}>
      {children}
      <button type="button" className={btn} onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" className={`${btn} btn-primary`} disabled={busy || disabled}>
        {busy ? busyLabel : submitLabel}
      </button>
    </Box>
  );
}
