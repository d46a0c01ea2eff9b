import { useEffect, useRef } from "react";

/**
 * "Open this key" requests from outside the key browser (the command palette): kept until the
 * connection's browser takes them, so a browser mounted by the same navigation still gets it.
 */
const pending = new Map<string, string>();
const listeners = new Set<() => void>();

export function requestOpenKey(profileId: string, key: string): void {
  pending.set(profileId, key);
  for (const l of listeners) l();
}

/** The key browser of `profileId` opens each requested key (an exact name, no scan). */
export function useOpenKeyRequests(profileId: string, open: (key: string) => void): void {
  const ref = useRef(open);
  ref.current = open;
  useEffect(() => {
    const take = () => {
      const key = pending.get(profileId);
      if (key === undefined) return;
      pending.delete(profileId);
      ref.current(key);
    };
    listeners.add(take);
    take();
    return () => {
      listeners.delete(take);
    };
  }, [profileId]);
}
