import { useEffect, useRef } from "react";

/**
 * Requests from the command palette to a connection's views (open the execution history, open
 * the rollback helper, start a new key, test the connection). Kept until the view that handles
 * them takes them, so a view mounted by the same navigation still gets it (like open-key.ts).
 */
export type ViewRequest =
  | "workflow-templates"
  | "workflow-executions"
  | "rollback"
  | "new-key"
  | "test-connection";

const pending = new Set<string>();
const listeners = new Set<() => void>();
const id = (profileId: string, what: ViewRequest) => `${profileId}\u0000${what}`;

export function requestView(profileId: string, what: ViewRequest): void {
  pending.add(id(profileId, what));
  for (const l of listeners) l();
}

/** Runs `handle` for each request of `what` on `profileId` (when `enabled`). */
export function useViewRequest(
  profileId: string,
  what: ViewRequest,
  handle: () => void,
  enabled = true,
): void {
  const ref = useRef(handle);
  ref.current = handle;
  useEffect(() => {
    if (!enabled) return;
    const take = () => {
      if (!pending.delete(id(profileId, what))) return;
      ref.current();
    };
    listeners.add(take);
    take();
    return () => {
      listeners.delete(take);
    };
  }, [profileId, what, enabled]);
}
