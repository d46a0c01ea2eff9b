import { type FormEvent, type ReactNode, useEffect, useId, useRef } from "react";
import { isApiError } from "../api/client.ts";
import { FormActions } from "./form-actions.tsx";

/**
 * A small modal form (create key, rename, TTL, add member). Opens on mount, closes through
 * onClose; the server's error is shown inside it, next to the fields it is about.
 */
export function FormDialog({
  title,
  submitLabel,
  busy,
  error,
  onSubmit,
  onClose,
  children,
  wide = false,
  canSubmit = true,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  canSubmit?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const first = d.querySelector<HTMLElement>(
      "input:not([readonly]):not([type=hidden]), textarea:not([readonly]), select",
    );
    first?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy && canSubmit) onSubmit();
  };

  return (
    <dialog
      ref={ref}
      className={wide ? "dialog dialog-wide" : "dialog"}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 id={titleId}>{title}</h2>
        {children}
        {error !== undefined && error !== null && (
          <p className="field-error form-error" role="alert">
            {isApiError(error)
              ? error.message
              : "Something unexpected went wrong. Nothing was changed; try again."}
          </p>
        )}
        <FormActions
          submitLabel={submitLabel}
          busy={busy}
          disabled={!canSubmit}
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}
