import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { type ApiError, isApiError } from "../api/client.ts";
import { qk } from "../api/hooks.ts";
import type { ChallengeDetails, ConfirmBody, ProfileView } from "../api/types.ts";
import { ENV_LABEL } from "../lib/format.ts";
import { EnvBadge } from "./env-badge.tsx";
import { WarningIcon } from "./icons.tsx";
import { TypedNameField } from "./typed-name-field.tsx";

/** What the user is about to do, in words, for the confirmation dialog. */
export interface GuardAction {
  /** Short verb phrase, also the confirm button's label: "Delete key". */
  title: string;
  /** What will happen, naming the key(s): "e2e:user:1 (string) will be deleted." */
  effect: ReactNode;
  danger?: boolean;
  /** Shown while the confirmed request runs (a progress bar for long work). */
  working?: ReactNode;
}

/** The user closed the confirmation without confirming: nothing was sent. */
export class GuardCancelled extends Error {
  constructor() {
    super("Cancelled: nothing was changed.");
    this.name = "GuardCancelled";
  }
}

type Send<T> = (confirm?: ConfirmBody) => Promise<T>;
type Guard = <T>(action: GuardAction, send: Send<T>) => Promise<T>;

const GuardContext = createContext<Guard | null>(null);

export function challengeOf(e: unknown): ChallengeDetails | undefined {
  if (!isApiError(e) || e.code !== "confirmation-required") return undefined;
  const d = e.details;
  if (!d || typeof d.challengeId !== "string") return undefined;
  if (d.level !== "confirm" && d.level !== "typed-name") return undefined;
  return d as unknown as ChallengeDetails;
}

interface Pending {
  action: GuardAction;
  challenge: ChallengeDetails;
  /** The server's latest word (a wrong name, an expired challenge). */
  problem?: string;
  send: Send<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * The studio's answer to a guarded request: the server refuses with 428 and a challenge; this
 * opens a modal naming the connection and what will happen, and re-sends the very same request
 * with the challenge once the user confirms (typing the profile name where the server asks for
 * it). The server decides when to ask; the UI never skips it and never asks on its own.
 */
export function GuardProvider({
  profile,
  children,
}: {
  profile: ProfileView;
  children: ReactNode;
}) {
  const [pending, setPending] = useState<Pending | undefined>();
  const guard = useCallback<Guard>(async <T,>(action: GuardAction, send: Send<T>) => {
    try {
      return await send();
    } catch (e) {
      const challenge = challengeOf(e);
      if (!challenge) throw e;
      return new Promise<T>((resolve, reject) => {
        setPending({
          action,
          challenge,
          send: send as Send<unknown>,
          resolve: resolve as (v: unknown) => void,
          reject,
        });
      });
    }
  }, []);

  return (
    <GuardContext.Provider value={guard}>
      {children}
      {pending && (
        <GuardDialog
          key={pending.challenge.challengeId}
          profile={profile}
          pending={pending}
          onRetry={(next) => setPending(next)}
          onDone={() => setPending(undefined)}
        />
      )}
    </GuardContext.Provider>
  );
}

export function useGuard(): Guard {
  const g = useContext(GuardContext);
  if (!g) throw new Error("useGuard outside a GuardProvider");
  return g;
}

function GuardDialog({
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
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const ids = { title: useId(), desc: useId(), input: useId() };
  const { action, challenge } = pending;
  const typedName = challenge.level === "typed-name";
  const expected = challenge.type ?? challenge.profile;
  const matches = !typedName || typed === expected;
  const env = challenge.environment ?? profile.environment;

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    if (typedName) inputRef.current?.focus();
    else confirmRef.current?.focus();
  }, [typedName]);

  const cancel = () => {
    ref.current?.close();
    pending.reject(new GuardCancelled());
    onDone();
  };

  const confirm = async () => {
    if (!matches || busy) return;
    setBusy(true);
    try {
      const result = await pending.send({
        challengeId: challenge.challengeId,
        ...(typedName ? { typedName: typed } : {}),
      });
      ref.current?.close();
      pending.resolve(result);
      onDone();
    } catch (e) {
      const next = challengeOf(e);
      if (next) {
        // A new challenge (expired, or the name did not match): ask again, saying why.
        onRetry({ ...pending, challenge: next, problem: (e as ApiError).message });
        return;
      }
      ref.current?.close();
      pending.reject(e);
      onDone();
    }
  };

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
          <p>{action.effect}</p>
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
        {typedName && (
          <TypedNameField
            id={ids.input}
            expected={expected}
            value={typed}
            onChange={setTyped}
            inputRef={inputRef}
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
            disabled={!matches || busy}
            title={matches ? undefined : `Type ${expected} exactly to enable this button`}
          >
            {busy ? "Working…" : action.title}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * A mutation that goes through the guard: a 428 opens the dialog; cancelling it ends the
 * mutation quietly (the result is undefined and nothing is shown as an error).
 */
export function useGuardedMutation<V, R>(opts: {
  describe: (v: V) => GuardAction;
  send: (v: V, confirm?: ConfirmBody) => Promise<R>;
  onDone?: (result: R, v: V) => void;
}) {
  const guard = useGuard();
  const qc = useQueryClient();
  return useMutation<{ result: R } | undefined, ApiError, V>({
    mutationFn: async (v) => {
      try {
        return { result: await guard(opts.describe(v), (c) => opts.send(v, c)) };
      } catch (e) {
        if (e instanceof GuardCancelled) return undefined;
        throw e;
      }
    },
    onSuccess: (r, v) => {
      if (r) opts.onDone?.(r.result, v);
    },
    // The server says read-only while this window thought otherwise: show its lock from now on.
    onError: (e) => {
      if (isApiError(e) && e.code === "read-only") {
        void qc.invalidateQueries({ queryKey: qk.profiles });
        void qc.invalidateQueries({ queryKey: qk.policies });
      }
    },
  });
}
