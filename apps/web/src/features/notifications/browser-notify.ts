import { useEffect, useState } from "react";
import type { AppNotification } from "../../api/observability.ts";

/**
 * Browser notifications (the Web Notification API) for alerts that arrive while this window is
 * hidden. Off until the user turns them on here, with a click (the permission prompt needs a user
 * gesture); the studio's own desktop notifications (notify-send / osascript) are separate.
 */
const KEY = "cachify.browserNotifications";
const listeners = new Set<() => void>();

export type BrowserPermission = NotificationPermission | "unsupported";

export function browserPermission(): BrowserPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

function wanted(): boolean {
  try {
    return localStorage.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

function setWanted(on: boolean): void {
  try {
    if (on) localStorage.setItem(KEY, "on");
    else localStorage.removeItem(KEY);
  } catch {
    // no storage: the choice holds until the window closes
  }
  for (const l of listeners) l();
}

/** Whether browser notifications are on, their permission, and the switch (call on a click). */
export function useBrowserNotifications(): {
  on: boolean;
  permission: BrowserPermission;
  enable: () => Promise<void>;
  disable: () => void;
} {
  const [state, setState] = useState(() => ({ on: wanted(), permission: browserPermission() }));
  useEffect(() => {
    const l = () => setState({ on: wanted(), permission: browserPermission() });
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return {
    on: state.on && state.permission === "granted",
    permission: state.permission,
    enable: async () => {
      if (typeof Notification === "undefined") return;
      const p =
        Notification.permission === "default"
          ? await Notification.requestPermission()
          : Notification.permission;
      setWanted(p === "granted");
    },
    disable: () => setWanted(false),
  };
}

/** Shows one browser notification when the window is hidden (title and text as the server wrote them: never a value). */
export function notifyInBrowser(n: AppNotification): void {
  if (!document.hidden || !wanted() || browserPermission() !== "granted") return;
  try {
    const shown = new Notification(n.title, { body: n.body, tag: n.id });
    shown.onclick = () => {
      window.focus();
      location.hash = "#/alerts";
      shown.close();
    };
  } catch {
    // some platforms only allow notifications from a service worker: the toast still shows
  }
}

/** What a finished execution's push carries that a notification may show (never a key or value). */
export interface FinishedExecution {
  executionId: string;
  status: string;
  processed?: number;
  failed?: number;
  profileName?: string;
  template?: { name?: string };
}

/**
 * A browser notification for a workflow that ended while this window is hidden: the workflow,
 * the connection, the outcome and the counts, as the studio's desktop notification says it.
 */
export function notifyWorkflowInBrowser(e: FinishedExecution): void {
  if (!document.hidden || !wanted() || browserPermission() !== "granted") return;
  const what = e.template?.name ?? "Workflow";
  const where = e.profileName ? ` on ${e.profileName}` : "";
  const counts =
    e.processed !== undefined
      ? `: ${e.processed.toLocaleString()} processed, ${(e.failed ?? 0).toLocaleString()} failed`
      : "";
  try {
    const shown = new Notification(`${what} ${e.status}${where}`, {
      body: `Execution ${e.executionId}${counts}.`,
      tag: e.executionId,
    });
    shown.onclick = () => {
      window.focus();
      shown.close();
    };
  } catch {
    // some platforms only allow notifications from a service worker
  }
}
