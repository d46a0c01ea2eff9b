import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useState } from "react";
import { type ApiError, isApiError } from "../api/client.ts";
import { qk } from "../api/hooks.ts";
import type { ProfileView } from "../api/types.ts";
import { challengeOf, type GuardAnswer } from "./challenge.ts";
import {
  type GuardAction,
  GuardCancelled,
  GuardDialog,
  type Pending,
  type Send,
} from "./guard-dialog.tsx";

export { challengeOf } from "./challenge.ts";
export { type GuardAction, GuardCancelled } from "./guard-dialog.tsx";

type Guard = <T>(action: GuardAction, send: Send<T>) => Promise<T>;

const GuardContext = createContext<Guard | null>(null);

/**
 * The studio's answer to a guarded request: the server refuses with 428 and a challenge; this
 * opens a modal naming the connection and what will happen, and re-sends the very same request
 * with the challenge once the user confirms (typing the profile name, or a plan's key count,
 * where the server asks for it). One flow for single keys, selections, restores and workflow
 * plans. The server decides when to ask; the UI never skips it and never asks on its own.
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

/**
 * A mutation that goes through the guard: a 428 opens the dialog; cancelling it ends the
 * mutation quietly (the result is undefined and nothing is shown as an error).
 */
export function useGuardedMutation<V, R>(opts: {
  describe: (v: V) => GuardAction;
  send: (v: V, confirm?: GuardAnswer) => Promise<R>;
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
