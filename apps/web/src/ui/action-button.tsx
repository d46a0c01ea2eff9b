import type { ButtonHTMLAttributes, MouseEvent } from "react";

/**
 * A button that may be locked (read-only connection, capability gap): it stays visible and
 * focusable, says why on hover and to screen readers, and does nothing when pressed. A plain
 * `disabled` button would hide the reason (no hover, no focus).
 */
export function ActionButton({
  lock,
  onClick,
  className = "btn btn-small",
  title,
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { lock?: string | undefined }) {
  const locked = lock !== undefined;
  return (
    <button
      type="button"
      {...rest}
      className={locked ? `${className} is-locked` : className}
      aria-disabled={locked || undefined}
      title={locked ? lock : title}
      onClick={(e: MouseEvent<HTMLButtonElement>) => {
        if (locked) {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
    >
      {children}
    </button>
  );
}
