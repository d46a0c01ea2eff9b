import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import { type AppNotification, obsApi } from "../../api/observability.ts";
import {
  obsKeys,
  useNewNotifications,
  useNotifications,
  useObsSettings,
} from "../../api/observability-hooks.ts";
import { formatTime } from "../../lib/format.ts";
import { navigate, routeHref } from "../../lib/route.ts";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { MutationError } from "../../ui/notices.tsx";
import { ago } from "../dashboard/format.ts";
import {
  type FinishedExecution,
  notifyInBrowser,
  notifyWorkflowInBrowser,
  useBrowserNotifications,
} from "./browser-notify.ts";

function BellIcon() {
  return (
    <svg aria-hidden="true" width={16} height={16} viewBox="0 0 16 16" fill="none" className="icon">
      <path
        d="M8 2a4 4 0 0 0-4 4v2.6L2.8 11h10.4L12 8.6V6a4 4 0 0 0-4-4Z"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      <path d="M6.5 12.8a1.6 1.6 0 0 0 3 0" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}

const KIND_LABEL: Record<AppNotification["kind"], string> = {
  firing: "Firing",
  repeat: "Still firing",
  resolved: "Resolved",
};

/**
 * The notification centre: a bell with the unread count; its panel lists the alert
 * notifications (rule, connection, metric and number; never a value) and marks them read.
 */
export function NotificationBell() {
  const notifications = useNotifications();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const titleId = useId();
  const bell = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const browser = useBrowserNotifications();
  const unread = notifications.data?.unread ?? 0;

  const mark = useMutation<{ marked: number; unread: number }, ApiError, string[] | "all">({
    mutationFn: (what) => obsApi.markRead(what === "all" ? { all: true } : { ids: what }),
    onMutate: (what) => {
      const now = Date.now();
      qc.setQueryData<{ notifications: AppNotification[]; unread: number }>(
        obsKeys.notifications,
        (old) => {
          if (!old) return old;
          const list = old.notifications.map((n) =>
            !n.readAt && (what === "all" || what.includes(n.id)) ? { ...n, readAt: now } : n,
          );
          return { notifications: list, unread: list.filter((n) => !n.readAt).length };
        },
      );
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: obsKeys.notifications }),
  });

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) bell.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("button, a[href]")?.focus();
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !bell.current?.contains(t)) setOpen(false);
    };
    // Escape closes it wherever focus is (a "Mark read" button disappears once used).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      setOpen(false);
      bell.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const list = notifications.data?.notifications ?? [];

  return (
    <div className="bell-wrap">
      <button
        ref={bell}
        type="button"
        className={unread > 0 ? "bell has-unread" : "bell"}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={`Notifications, ${unread} unread`}
        title={`Notifications: ${unread} unread`}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={panel}
          id={panelId}
          className="notif-panel"
          role="dialog"
          tabIndex={-1}
          aria-labelledby={titleId}
        >
          <div className="notif-head">
            <h2 id={titleId}>Notifications</h2>
            <span className="muted small">{unread} unread</span>
            <button
              type="button"
              className="btn btn-small push-right"
              disabled={unread === 0 || mark.isPending}
              onClick={() => mark.mutate("all")}
            >
              Mark all read
            </button>
          </div>
          {browser.permission !== "unsupported" && !browser.on && (
            <div className="notif-browser">
              <span className="small muted">
                {browser.permission === "denied"
                  ? "This browser blocks notifications from the studio: allow them in the site settings."
                  : "Get a browser notification when an alert fires while this window is hidden."}
              </span>
              {browser.permission !== "denied" && (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => void browser.enable()}
                >
                  Enable browser notifications
                </button>
              )}
            </div>
          )}
          <MutationError m={mark} title="Could not mark as read" />
          {notifications.isError ? (
            <ErrorNotice
              compact
              title="Could not load the notifications"
              error={notifications.error}
              onRetry={() => void notifications.refetch()}
            />
          ) : list.length === 0 ? (
            <p className="notif-empty muted">
              No notifications yet. Alert rules notify here when they fire and resolve.
            </p>
          ) : (
            <ul className="notif-list" aria-label="Notification list">
              {list.map((n) => (
                <li
                  key={n.id}
                  className={`notif notif-${n.kind} sev-${n.severity}${n.readAt ? "" : " unread"}`}
                  aria-label={`${n.readAt ? "" : "Unread: "}${n.title}`}
                >
                  <div className="notif-line">
                    <span
                      className={`sev sev-${n.kind === "resolved" ? "resolved" : n.severity}`}
                      title={KIND_LABEL[n.kind]}
                    >
                      {n.kind === "resolved" ? "resolved" : n.severity}
                    </span>
                    <a
                      className="notif-title"
                      href={
                        n.profileId
                          ? routeHref({ profileId: n.profileId, tab: "dashboard" })
                          : "#/alerts"
                      }
                      onClick={() => {
                        if (!n.readAt) mark.mutate([n.id]);
                        close(false);
                      }}
                    >
                      {n.title}
                    </a>
                  </div>
                  <p className="notif-body">{n.body}</p>
                  <div className="notif-meta">
                    <span className="muted small" title={formatTime(n.ts)}>
                      {ago(n.ts)}
                    </span>
                    {!n.readAt && (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        onClick={() => {
                          mark.mutate([n.id]);
                          panel.current?.focus();
                        }}
                        aria-label={`Mark read: ${n.title}`}
                      >
                        Mark read
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <div className="notif-foot">
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                close(false);
                navigate({ tab: "browser", screen: "alerts" });
              }}
            >
              Alert rules
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                close(false);
                navigate({ tab: "browser", screen: "settings" });
              }}
            >
              Notification settings
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

interface Toast {
  n: AppNotification;
  at: number;
}

const TOAST_MS = 10_000;

/** New alert notifications as toasts (and a browser notification while the window is hidden). */
export function AlertToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const settings = useObsSettings();
  // A workflow that ends while the window is hidden, unless turned off in Settings.
  useLiveMessages((m) => {
    const w = m as { type: string; event?: string; execution?: FinishedExecution };
    if (w.type !== "workflow" || w.event !== "execution-finished" || !w.execution) return;
    if (settings.data?.notifications.workflows === false) return;
    notifyWorkflowInBrowser(w.execution);
  });
  useNewNotifications((n) => {
    notifyInBrowser(n);
    setToasts((ts) => [...ts.filter((t) => t.n.id !== n.id), { n, at: Date.now() }].slice(-4));
  });
  useEffect(() => {
    if (toasts.length === 0) return;
    const next = Math.min(...toasts.map((t) => t.at + TOAST_MS)) - Date.now();
    const timer = setTimeout(
      () => setToasts((ts) => ts.filter((t) => t.at + TOAST_MS > Date.now())),
      Math.max(50, next),
    );
    return () => clearTimeout(timer);
  }, [toasts]);

  return (
    <section className="toasts" aria-label="New alerts" aria-live="polite">
      {toasts.map(({ n }) => (
        <div key={n.id} className={`toast toast-${n.kind} sev-${n.severity}`} role="status">
          <div className="toast-body">
            <strong>{n.title}</strong>
            <p>{n.body}</p>
          </div>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Dismiss: ${n.title}`}
            onClick={() => setToasts((ts) => ts.filter((t) => t.n.id !== n.id))}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
