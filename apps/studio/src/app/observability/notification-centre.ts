import type { AlertRepository, StoredNotification } from "@cachify/core";
import type { LiveBus } from "./live-bus.ts";

/** The notification centre: stored alert notifications, read and marked read. */
export class NotificationCentre {
  constructor(
    private readonly deps: {
      alerts: Pick<AlertRepository, "notifications" | "unreadCount" | "markRead">;
      live: LiveBus;
    },
  ) {}

  list(q: { limit?: number; unreadOnly?: boolean } = {}): {
    notifications: StoredNotification[];
    unread: number;
  } {
    return {
      notifications: this.deps.alerts.notifications(q),
      unread: this.deps.alerts.unreadCount(),
    };
  }

  unread(): number {
    return this.deps.alerts.unreadCount();
  }

  markRead(ids: string[] | "all"): { marked: number; unread: number } {
    const marked = this.deps.alerts.markRead(ids);
    const unread = this.deps.alerts.unreadCount();
    this.deps.live.publish({ type: "notifications", unread });
    return { marked, unread };
  }
}
