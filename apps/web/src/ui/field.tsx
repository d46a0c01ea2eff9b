import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type TextareaHTMLAttributes,
  useId,
} from "react";

/** What a Field hands its input: the id its label points at, and the hint/error it is described by. */
export interface FieldSlot {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

/**
 * One labelled form field: `<div class="field">`, its label, the input (a render slot that gets
 * the id, aria-describedby and aria-invalid), an optional hint and an optional error. The error
 * is the server's message for the param it names (`details.param`, see ./field-errors.ts) or
 * the form's own check.
 */
export function Field({
  label,
  id: givenId,
  className,
  hint,
  hintAs = "p",
  hintId: givenHintId,
  error,
  errorId: givenErrorId,
  invalid,
  replaceHint = false,
  children,
}: {
  label: ReactNode;
  id?: string | undefined;
  /** Extra classes beside "field" (grow2, narrow, …). */
  className?: string | undefined;
  hint?: ReactNode;
  /** The hint's element: most forms use a paragraph, a few a small or a span. */
  hintAs?: "p" | "small" | "span";
  hintId?: string | undefined;
  /** Shown below the input (role alert); it also marks the input invalid. */
  error?: ReactNode;
  errorId?: string | undefined;
  /** Marks the input invalid when its error is shown elsewhere (below a row of fields). */
  invalid?: { errorId: string } | undefined;
  /** The error takes the hint's place (and id) instead of showing below it. */
  replaceHint?: boolean;
  children: (slot: FieldSlot) => ReactNode;
}) {
  const own = useId();
  const id = givenId ?? own;
  const hintId = givenHintId ?? `${id}-hint`;
  const hasError = error !== undefined && error !== null && error !== false && error !== "";
  const errorId = replaceHint ? hintId : (givenErrorId ?? `${id}-error`);
  const showHint =
    hint !== undefined && hint !== null && hint !== false && !(replaceHint && hasError);
  const describedBy = hasError
    ? errorId
    : invalid
      ? invalid.errorId
      : showHint
        ? hintId
        : undefined;
  const slot: FieldSlot = {
    id,
    ...(describedBy ? { "aria-describedby": describedBy } : {}),
    ...(hasError || invalid ? { "aria-invalid": true as const } : {}),
  };
  const Hint = hintAs;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children(slot)}
      {showHint && (
        <Hint id={hintId} className="hint">
          {hint}
        </Hint>
      )}
      {hasError && <FieldError id={errorId}>{error}</FieldError>}
    </div>
  );
}

/** A field's error where the field itself cannot hold it (below a row of fields, a whole form). */
export function FieldError({
  id,
  form = false,
  children,
}: {
  id?: string | undefined;
  /** The whole form's error (spaced apart from the fields). */
  form?: boolean;
  children: ReactNode;
}) {
  return (
    <p id={id} className={form ? "field-error form-error" : "field-error"} role="alert">
      {children}
    </p>
  );
}

type TextProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  value: string;
  onValue?: (value: string) => void;
  inputRef?: Ref<HTMLInputElement> | undefined;
};

/** A text input for keys, names and patterns: monospace, no autocomplete, no spell check. */
export function TextInput({ value, onValue, inputRef, className = "mono", ...rest }: TextProps) {
  return (
    <input
      ref={inputRef}
      className={className || undefined}
      value={value}
      onChange={(e) => onValue?.(e.target.value)}
      autoComplete="off"
      spellCheck={false}
      {...rest}
    />
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "onChange" | "value"> & {
  value: string;
  onValue?: (value: string) => void;
};

/** A monospace text area for values (no spell check). */
export function TextArea({ value, onValue, className = "mono", ...rest }: AreaProps) {
  return (
    <textarea
      className={className}
      value={value}
      onChange={(e) => onValue?.(e.target.value)}
      spellCheck={false}
      {...rest}
    />
  );
}

/** A select over a list of options, each a value and its label. */
export function Select<T extends string | number>({
  value,
  options,
  onValue,
  ...rest
}: Omit<InputHTMLAttributes<HTMLSelectElement>, "onChange" | "value"> & {
  value: T;
  options: readonly { value: T; label: ReactNode; disabled?: boolean }[];
  onValue: (value: T) => void;
}) {
  return (
    <select
      value={value}
      onChange={(e) => {
        const picked = options.find((o) => String(o.value) === e.target.value);
        if (picked) onValue(picked.value);
      }}
      {...(rest as object)}
    >
      {options.map((o) => (
        <option key={String(o.value)} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A whole number of seconds (TTL): a number input, marked invalid when the form says so. */
export function SecondsInput({
  id,
  value,
  onValue,
  invalid,
}: {
  id: string;
  value: string;
  onValue: (value: string) => void;
  invalid: boolean;
}) {
  return (
    <input
      id={id}
      type="number"
      min={1}
      inputMode="numeric"
      value={value}
      onChange={(e) => onValue(e.target.value)}
      aria-invalid={invalid || undefined}
    />
  );
}

/** A small labelled select in a filter bar (`<label class="field-inline">`). */
export function InlineSelect<T extends string>({
  label,
  value,
  options,
  onValue,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: ReactNode }[];
  onValue: (value: T) => void;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the select inside is the control
    <label className="field-inline">
      <span>{label}</span>
      <Select value={value} options={options} onValue={onValue} />
    </label>
  );
}
