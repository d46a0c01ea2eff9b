import { useEffect, useRef } from "react";
import type { LiveMessage } from "./types.ts";

type Listener = (message: LiveMessage) => void;
const listeners = new Set<Listener>();

/** Hands a message pushed on /api/ws to every screen listening (see LiveUpdates). */
export function publishLive(message: LiveMessage): void {
  for (const l of listeners) {
    try {
      l(message);
    } catch {
      // one broken screen must not stop the others from hearing the message
    }
  }
}

/**
 * Listens to every message the window's one WebSocket receives (workflow progress and the like)
 * while the component is mounted. The latest handler is used; it need not be memoised.
 */
export function useLiveMessages(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l: Listener = (m) => ref.current(m);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}
