import type { ReactNode, Ref } from "react";
import { Field, TextInput } from "./field.tsx";

/**
 * "Type NAME to confirm" (or the key count): the field a guarded change on prod or a workflow
 * run asks for. Marked invalid as soon as what is typed can no longer become the expected text.
 */
export function TypedNameField({
  id,
  expected,
  value,
  onChange,
  inputRef,
  label,
  shown = expected,
  normalize = (v) => v,
  numeric = false,
}: {
  id: string;
  expected: string;
  value: string;
  onChange: (value: string) => void;
  inputRef?: Ref<HTMLInputElement> | undefined;
  /** Words before the expected text (default "Type"). */
  label?: ReactNode;
  /** The expected text as shown (a count with separators). */
  shown?: string;
  normalize?: (typed: string) => string;
  numeric?: boolean;
}) {
  return (
    <Field
      id={id}
      label={
        <>
          {label ?? "Type"} <span className="mono guard-name">{shown}</span> to confirm
        </>
      }
    >
      {(slot) => (
        <TextInput
          id={slot.id}
          inputRef={inputRef}
          inputMode={numeric ? "numeric" : undefined}
          value={value}
          onValue={onChange}
          aria-invalid={value !== "" && !expected.startsWith(normalize(value)) ? true : undefined}
        />
      )}
    </Field>
  );
}
