import type { FormEvent, Ref } from "react";
import type { ValueType } from "../../api/types.ts";

export const TYPES: readonly ValueType[] = ["string", "hash", "list", "set", "zset", "stream"];

/** The pattern and type filter over the key list ("/" focuses the pattern). */
export function FilterBar({
  draft,
  onDraft,
  type,
  onType,
  onSubmit,
  inputRef,
}: {
  draft: string;
  onDraft: (v: string) => void;
  type: ValueType | "";
  onType: (t: ValueType | "") => void;
  onSubmit: (e: FormEvent) => void;
  inputRef: Ref<HTMLInputElement>;
}) {
  return (
    <form className="filterbar" onSubmit={onSubmit} aria-label="Filter keys">
      <label className="field-inline grow">
        <span>Pattern</span>
        <input
          ref={inputRef}
          type="search"
          className="mono"
          aria-label="Key pattern"
          value={draft}
          onChange={(e) => onDraft(e.target.value)}
          placeholder="*"
          spellCheck={false}
          autoComplete="off"
          title="Glob pattern: * any run, ? one character, [abc] a set. Press / to focus."
        />
      </label>
      <label className="field-inline">
        <span>Type</span>
        <select value={type} onChange={(e) => onType(e.target.value as ValueType | "")}>
          <option value="">any</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn-small">
        Filter
      </button>
    </form>
  );
}
