import { execFile } from "node:child_process";
import {
  type AlertNotice,
  type AlertRepository,
  type AlertRule,
  type AlertState,
  alertNotificationText,
  BUILTIN_TEMPLATES,
  type ConnectionProfile,
  newId,
  type ObservabilitySettings,
  type StoredNotification,
  type WorkflowExecutionRecord,
} from "@cachify/core";
import type { LiveBus } from "./live-bus.ts";

/** Shows a notification on the desktop. */
export interface DesktopNotifier {
  send(n: { title: string; body: string; urgency: "low" | "normal" | "critical" }): Promise<void>;
}

/**
 * Desktop notifications through the platform's own tool, no extra dependency: `notify-send`
 * (libnotify, Linux: it calls org.freedesktop.Notifications.Notify on the session D-Bus) and
 * `osascript` on macOS. Arguments go to the program as they are (no shell), after `--`, so text
 * can never be read as a flag or a command. Failures are kept as `lastError` for the settings
 * screen; they never break alerting.
 */
export class CommandDesktopNotifier implements DesktopNotifier {
  lastError: string | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  send(n: { title: string; body: string; urgency: "low" | "normal" | "critical" }): Promise<void> {
    const [file, args] =
      this.platform === "darwin"
        ? [
            "osascript",
            [
              "-e",
              "on run argv",
              "-e",
              "display notification (item 2 of argv) with title (item 1 of argv)",
              "-e",
              "end run",
              n.title,
              n.body,
            ],
          ]
        : [
            "notify-send",
            [
              "--app-name=Cachify Studio",
              `--urgency=${n.urgency}`,
              "--expire-time=10000",
              "--",
              n.title,
              // Notification servers may read the body as markup: escape it.
              escapeMarkup(n.body),
            ],
          ];
    return new Promise((resolve) => {
      execFile(file, args, { env: this.env, timeout: 5000 }, (error, _out, stderr) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
          this.lastError = missing
            ? `${file} is not installed: desktop notifications need it (Debian/Ubuntu: apt-get install libnotify-bin).`
            : `${file} failed: ${String(stderr || error.message).trim()}`;
        } else this.lastError = undefined;
        resolve();
      });
    });
  }
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Control characters out, length bounded: notification text is one short line each. */
function clean(text: string, max: number): string {
  const t = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export interface NotifierDeps {
  store: Pick<AlertRepository, "addNotification">;
  live: LiveBus;
  desktop: DesktopNotifier;
  settings: () => ObservabilitySettings;
  clock?: () => number;
}

/**
 * Alert notifications: in-app (stored for the notification centre and pushed on the WebSocket as
 * `{type: "alert", notification}`) and on the desktop, each behind a global setting and the
 * rule's own switch. De-duplicated: one notice per rule, profile, episode and kind (the stored
 * dedupe key, or an in-memory one while in-app is off). The text names the rule, the profile, the
 * metric and the number, never a key or a value; the profile's password is scrubbed anyway.
 */
export class AlertNotifier {
  private readonly sent = new Set<string>();

  constructor(private readonly deps: NotifierDeps) {}

  async notify(
    rule: AlertRule,
    profile: ConnectionProfile,
    notice: AlertNotice,
    state: AlertState,
  ): Promise<StoredNotification | undefined> {
    const settings = this.deps.settings();
    const inApp = settings.notifications.inApp && rule.notify.inApp;
    const desktop = settings.notifications.desktop && rule.notify.desktop;
    if (!inApp && !desktop) return undefined;
    const episode = state.firingSince ?? state.since;
    const dedupeKey = `${rule.id}:${profile.id}:${notice}:${episode}${notice === "repeat" ? `:${state.lastNotifiedAt}` : ""}`;
    const text = alertNotificationText(rule, profile, notice, state.value);
    const scrub = (t: string) => (profile.password ? t.split(profile.password).join("***") : t);
    const n: StoredNotification = {
      id: newId("ntf"),
      ts: (this.deps.clock ?? Date.now)(),
      dedupeKey,
      ruleId: rule.id,
      profileId: profile.id,
      kind: notice,
      severity: notice === "resolved" ? "info" : rule.severity,
      title: clean(scrub(text.title), 200),
      body: clean(scrub(text.body), 500),
    };
    if (this.sent.has(dedupeKey)) return undefined;
    if (inApp && !this.deps.store.addNotification(n)) return undefined;
    this.sent.add(dedupeKey);
    if (this.sent.size > 10_000) this.sent.clear();
    if (inApp) this.deps.live.publish({ type: "alert", notification: n });
    if (desktop) {
      await this.deps.desktop.send({
        title: n.title,
        body: n.body,
        urgency:
          notice === "resolved"
            ? "low"
            : rule.severity === "critical" || rule.severity === "error"
              ? "critical"
              : "normal",
      });
    }
    return n;
  }
}

/** A run at least this long is "long": it notifies even with a studio window open. */
export const LONG_WORKFLOW_MS = 10_000;

const OUTCOME: Record<
  WorkflowExecutionRecord["status"],
  { word: string; urgency: "low" | "normal" | "critical" }
> = {
  running: { word: "is running", urgency: "low" },
  succeeded: { word: "finished", urgency: "normal" },
  failed: { word: "failed", urgency: "critical" },
  aborted: { word: "aborted", urgency: "critical" },
  "rolled-back": { word: "aborted and rolled back", urgency: "critical" },
  cancelled: { word: "cancelled", urgency: "low" },
  interrupted: { word: "interrupted", urgency: "critical" },
};

const count = (n: number) => n.toLocaleString("en-US");

function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The text of a finished execution's desktop notice: the template's name, the profile, the
 * outcome and the counts. Deliberately nothing else: no params (a warm-up's entries carry values,
 * a pattern may name keys), no error message, no key.
 */
export function workflowNotificationText(r: WorkflowExecutionRecord): {
  title: string;
  body: string;
  urgency: "low" | "normal" | "critical";
} {
  const o = OUTCOME[r.status];
  const took = r.endedAt !== undefined ? ` in ${duration(r.endedAt - r.startedAt)}` : "";
  let body =
    `${r.profileName} (${r.environment}): ${count(r.processed)} of ${count(r.planned)} keys processed, ` +
    `${count(r.applied)} changed, ${count(r.skipped)} skipped, ${count(r.failed)} failed${took}.`;
  if (r.rollbackResult) {
    const rb = r.rollbackResult;
    body += ` Rollback: ${count(rb.restored)} restored, ${count(rb.skipped)} skipped, ${count(rb.failed)} failed.`;
  }
  // A saved template goes by its own name; a built-one by its display name, not its id.
  const name = r.template.savedTemplateId
    ? r.template.name
    : (BUILTIN_TEMPLATES.find((t) => t.id === r.template.builtin)?.name ?? r.template.name);
  return { title: `Workflow ${o.word}: ${name}`, body, urgency: o.urgency };
}

export interface WorkflowNoticeDeps {
  desktop: DesktopNotifier;
  settings: () => ObservabilitySettings;
  /** Studio windows (live WebSocket clients) open now. */
  windows: () => number;
  /** The profile's password, scrubbed from the text should a name ever contain it. */
  secretOf?: (profileId: string) => string | undefined;
  longMs?: number;
}

/**
 * Desktop notices for workflow executions that end (finished, failed, aborted, cancelled): sent
 * when no studio window is open to show the result, or when the run was long (the user has likely
 * gone elsewhere); behind the `notifications.workflows` setting. Fed by the workflow service's
 * `execution-finished` event (see `watchWorkflows`).
 */
export class WorkflowNotifier {
  constructor(private readonly deps: WorkflowNoticeDeps) {}

  /** Sends the notice when it is due; returns what was sent (tests, logs), else undefined. */
  async executionFinished(
    r: WorkflowExecutionRecord,
  ): Promise<{ title: string; body: string } | undefined> {
    if (r.status === "running") return undefined;
    if (!this.deps.settings().notifications.workflows) return undefined;
    const ran = (r.endedAt ?? Date.now()) - r.startedAt;
    const long = ran >= (this.deps.longMs ?? LONG_WORKFLOW_MS);
    if (!long && this.deps.windows() > 0) return undefined;
    const text = workflowNotificationText(r);
    const secret = this.deps.secretOf?.(r.profileId);
    const scrub = (t: string) => (secret ? t.split(secret).join("***") : t);
    const n = { title: clean(scrub(text.title), 200), body: clean(scrub(text.body), 500) };
    await this.deps.desktop.send({ ...n, urgency: text.urgency });
    return n;
  }
}

/** Subscribes a notifier to a workflow service's events; returns the unsubscribe. */
export function watchWorkflows(
  workflows: {
    subscribe(
      listener: (e: { event: string; execution?: WorkflowExecutionRecord }) => void,
    ): () => void;
  },
  notifier: WorkflowNotifier,
): () => void {
  return workflows.subscribe((e) => {
    if (e.event !== "execution-finished" || !e.execution) return;
    // A notice that cannot be shown must never disturb the workflow that just ended.
    notifier.executionFinished(e.execution).catch(() => {});
  });
}
