import type { Ref } from "react";

/**
 * "Type NAME to confirm": the field a guarded change on prod (or a workflow run) asks for. Marked
 * invalid as soon as what is typed can no longer become the name.
 */
export function TypedNameField({
  id,
  expected,
  value,
  onChange,
  inputRef,
}: {
  id: string;
  expected: string;
  value: string;
  onChange: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Type <span className="mono guard-name">{expected}</span> to confirm
      </label>
      <input
        id={id}
        ref={inputRef}
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={value !== "" && !expected.startsWith(value) ? true : undefined}
      />
    </div>
  );
}
