import { type ReactNode, useId } from "react";

/** A row of radio buttons styled as one control ("By key | By execution"). */
export function Segmented<T extends string>({
  legend,
  value,
  options,
  onChange,
  className = "segmented",
}: {
  legend: string;
  value: T;
  /** Each option: its value, its label, and optionally why it is off (disabled, with a title). */
  options: readonly (readonly [
    T,
    ReactNode,
    { disabled?: boolean; title?: string | undefined; inputLabel?: string }?,
  ])[];
  onChange: (value: T) => void;
  className?: string;
}) {
  const name = useId();
  return (
    <fieldset className={className}>
      <legend className="sr-only">{legend}</legend>
      {options.map(([v, label, state]) => (
        <label key={v} className={state?.disabled ? "disabled" : undefined} title={state?.title}>
          <input
            className="segmented-radio"
            type="radio"
            name={name}
            value={v}
            checked={value === v}
            disabled={state?.disabled}
            onChange={() => onChange(v)}
            aria-label={state?.inputLabel}
          />
          <span>{label}</span>
        </label>
      ))}
    </fieldset>
  );
}
