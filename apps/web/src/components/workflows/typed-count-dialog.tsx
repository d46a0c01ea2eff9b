import { useEffect, useId, useRef, useState } from "react";
import type { PlanChallengeDetails } from "../../api/types.ts";
import { ENV_LABEL, formatCount } from "../../lib/format.ts";
import { EnvBadge } from "../env-badge.tsx";
import { WarningIcon } from "../icons.tsx";
import { TypedNameField } from "../typed-name-field.tsx";

/** "12,345" and "12 345" read as 12345: separators are how people write big numbers. */
export function normalizeCount(typed: string): string {
  return typed.replace(/[\s,._']/g, "");
}

/**
 * The wildcard guardrail (docs/design/safety.md#workflow-plans-the-typed-count): modal, names the
 * connection and the count, and keeps Confirm disabled until the typed count matches (and, on prod,
 * the typed profile name). It answers the server's 428 challenge; the server checks the typed text
 * again.
 */
export function TypedCountDialog({
  challenge,
  template,
  effect,
  problem,
  busy,
  onConfirm,
  onCancel,
}: {
  challenge: PlanChallengeDetails;
  template: string;
  /** What will happen, in words ("sets the TTL of ... keys"). */
  effect: string;
  problem?: string | undefined;
  busy: boolean;
  onConfirm: (count: string, typedName: string | undefined) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const countRef = useRef<HTMLInputElement>(null);
  const [count, setCount] = useState("");
  const [name, setName] = useState("");
  const ids = { title: useId(), desc: useId(), count: useId(), name: useId() };
  const expectedCount = challenge.type.count;
  const expectedName = challenge.level === "typed-count-and-name" ? challenge.type.name : undefined;
  const countOk = normalizeCount(count) === expectedCount;
  const nameOk = expectedName === undefined || name === expectedName;
  const env = challenge.environment;
  const shown = formatCount(Number(expectedCount));

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    countRef.current?.focus();
    return () => {
      if (d?.open) d.close();
    };
  }, []);

  const missing = !countOk
    ? `Type the count ${shown} to enable this button`
    : !nameOk
      ? `Type ${expectedName} exactly to enable this button`
      : undefined;

  return (
    <dialog
      ref={ref}
      className={`dialog guard-dialog env-${env}`}
      aria-labelledby={ids.title}
      aria-describedby={ids.desc}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (countOk && nameOk && !busy) onConfirm(normalizeCount(count), expectedName && name);
        }}
      >
        <div className="guard-env">
          <EnvBadge env={env} />
          <span>
            {ENV_LABEL[env]} connection <strong>{challenge.profile}</strong>
          </span>
        </div>
        <h2 id={ids.title}>
          Run {template} on {challenge.profile}
        </h2>
        <div id={ids.desc} className="guard-effect">
          <p>
            This changes <strong className="wf-count">{shown}</strong>{" "}
            {Number(expectedCount) === 1 ? "key" : "keys"} on <strong>{challenge.profile}</strong>:{" "}
            {effect}
          </p>
          {env === "prod" && (
            <p className="guard-prod">This is production: the change reaches live traffic.</p>
          )}
        </div>
        {problem && (
          <p className="field-error guard-problem" role="alert">
            <WarningIcon /> {problem}
          </p>
        )}
        <div className="field">
          <label className="field-label" htmlFor={ids.count}>
            Type the key count <span className="mono guard-name">{shown}</span> to confirm
          </label>
          <input
            id={ids.count}
            ref={countRef}
            className="mono"
            inputMode="numeric"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={
              count !== "" && !expectedCount.startsWith(normalizeCount(count)) ? true : undefined
            }
          />
        </div>
        {expectedName !== undefined && (
          <TypedNameField id={ids.name} expected={expectedName} value={name} onChange={setName} />
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-danger"
            disabled={!countOk || !nameOk || busy}
            title={missing}
          >
            {busy ? "Starting…" : `Run on ${shown} ${Number(expectedCount) === 1 ? "key" : "keys"}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
