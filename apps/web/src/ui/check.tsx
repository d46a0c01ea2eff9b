import type { ReactNode } from "react";

/** A labelled checkbox (`<label class="check">`). */
export function Check({
  checked,
  onChange,
  children,
  className = "check",
  id,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <label className={className} htmlFor={id}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {children}
    </label>
  );
}
