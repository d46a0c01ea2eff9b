import { type ReactNode, useId, useRef, useState } from "react";
import type { ApiError } from "../api/client.ts";
import type { ProfileView } from "../api/types.ts";
import { ENV_LABEL, formatCount } from "../lib/format.ts";
import {
  type Challenge,
  challengeOf,
  expectedOf,
  type GuardAnswer,
  isCountChallenge,
  normalizeCount,
} from "./challenge.ts";
import { EnvBadge } from "./env-badge.tsx";
import { WarningIcon } from "./icons.tsx";
import { useModal } from "./modal.ts";
import { TypedNameField } from "./typed-name-field.tsx";

/** What the user is about to do, in words, for the confirmation dialog. */
export interface GuardAction {
  /** Short verb phrase, also the confirm button's label: "Delete key". */
  title: string;
  /** What will happen, naming the key(s): "e2e:user:1 (string) will be deleted." */
  effect: ReactNode | ((challenge: Challenge) => ReactNode);
  danger?: boolean;
  /** Shown while the confirmed request runs (a progress bar for long work). */
  working?: ReactNode;
  /** The confirm button's label when it is not the title ("Run on 1,503 keys"). */
  confirmLabel?: (challenge: Challenge) => string;
  /** The confirm button's label while the request runs (default "Working…"). */
  busyLabel?: string;
}

export type Send<T> = (confirm?: GuardAnswer) => Promise<T>;

export interface Pending {
  action: GuardAction;
  challenge: Challenge;
  /** The server's latest word (a wrong name or count, an expired challenge). */
  problem?: string;
  send: Send<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** The user closed the confirmation without confirming: nothing was sent. */
export class GuardCancelled extends Error {
  constructor() {
    super("Cancelled: nothing was changed.");
    this.name = "GuardCancelled";
  }
}

/**
 * The one confirmation dialog for every guarded request: names the connection and what will
 * happen, and keeps Confirm disabled until what the challenge asks for is typed (the profile
 * name; for a plan the key count, and on prod the name too). The server checks it again.
 */
export function GuardDialog({
  profile,
  pending,
  onRetry,
  onDone,
}: {
  profile: ProfileView;
  pending: Pending;
  onRetry: (next: Pending) => void;
  onDone: () => void;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const ref = useModal(() => inputRef.current ?? confirmRef.current);
  const [typed, setTyped] = useState("");
  const [count, setCount] = useState("");
  const [busy, setBusy] = useState(false);
  const ids = { title: useId(), desc: useId(), input: useId(), count: useId() };
  const { action, challenge } = pending;
  const expected = expectedOf(challenge);
  const shownCount = expected.count === undefined ? "" : formatCount(Number(expected.count));
  const countOk = expected.count === undefined || normalizeCount(count) === expected.count;
  const nameOk = expected.name === undefined || typed === expected.name;
  const env = challenge.environment ?? profile.environment;
  const missing = !countOk
    ? `Type the count ${shownCount} to enable this button`
    : !nameOk
      ? `Type ${expected.name} exactly to enable this button`
      : undefined;

  const close = () => {
    ref.current?.close();
    onDone();
  };
  const cancel = () => {
    if (busy) return;
    pending.reject(new GuardCancelled());
    close();
  };

  const confirm = async () => {
    if (!countOk || !nameOk || busy) return;
    setBusy(true);
    try {
      const result = await pending.send({
        challengeId: challenge.challengeId,
        ...(expected.count !== undefined ? { count: normalizeCount(count) } : {}),
        ...(expected.name !== undefined ? { typedName: typed } : {}),
      });
      pending.resolve(result);
      close();
    } catch (e) {
      const next = challengeOf(e);
      if (next) {
        // A new challenge (expired, or what was typed did not match): ask again, saying why.
        onRetry({ ...pending, challenge: next, problem: (e as ApiError).message });
        return;
      }
      pending.reject(e);
      close();
    }
  };

  const effect = typeof action.effect === "function" ? action.effect(challenge) : action.effect;
  return (
    <dialog
      ref={ref}
      className={`dialog guard-dialog env-${env}`}
      aria-labelledby={ids.title}
      aria-describedby={ids.desc}
      onCancel={(e) => {
        e.preventDefault();
        cancel();
      }}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <div className="guard-env">
          <EnvBadge env={env} />
          <span>
            {ENV_LABEL[env]} connection <strong>{challenge.profile}</strong>
          </span>
        </div>
        <h2 id={ids.title}>
          {action.title} on {challenge.profile}
        </h2>
        <div id={ids.desc} className="guard-effect">
          <p>{effect}</p>
          {env === "prod" && (
            <p className="guard-prod">This is production: the change reaches live traffic.</p>
          )}
        </div>
        {busy && action.working}
        {pending.problem && (
          <p className="field-error guard-problem" role="alert">
            <WarningIcon /> {pending.problem}
          </p>
        )}
        {expected.count !== undefined && (
          <TypedNameField
            id={ids.count}
            label="Type the key count"
            expected={expected.count}
            shown={shownCount}
            normalize={normalizeCount}
            numeric
            value={count}
            onChange={setCount}
            inputRef={inputRef}
          />
        )}
        {expected.name !== undefined && (
          <TypedNameField
            id={ids.input}
            expected={expected.name}
            value={typed}
            onChange={setTyped}
            inputRef={expected.count === undefined ? inputRef : undefined}
          />
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={cancel} disabled={busy}>
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="submit"
            className={action.danger === false ? "btn btn-primary" : "btn btn-danger"}
            disabled={!countOk || !nameOk || busy}
            title={missing}
          >
            {busy
              ? (action.busyLabel ?? "Working…")
              : (action.confirmLabel?.(challenge) ?? action.title)}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A count challenge's sentence: "This changes 1,503 keys on orders prod: …". */
export function countEffect(challenge: Challenge, effect: ReactNode): ReactNode {
  if (!isCountChallenge(challenge)) return effect;
  const n = Number(challenge.type.count);
  return (
    <>
      This changes <strong className="wf-count">{formatCount(n)}</strong> {n === 1 ? "key" : "keys"}{" "}
      on <strong>{challenge.profile}</strong>: {effect}
    </>
  );
}
