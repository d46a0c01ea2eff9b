import {
  type AlertRepository,
  type AlertRule,
  type AlertState,
  type AlertStateName,
  badInput,
  CachifyError,
  type Severity,
  type StoredNotification,
} from "@cachify/core";
import type Database from "better-sqlite3";

export type { StoredNotification };

interface NotificationRow {
  id: string;
  ts: number;
  dedupe_key: string;
  rule_id: string | null;
  profile_id: string | null;
  kind: string;
  severity: string;
  title: string;
  body: string;
  read_at: number | null;
}

/** Alert rules, their state per profile, and the notification centre's notifications. */
export class SqliteAlertRepository implements AlertRepository {
  readonly #db: Database.Database;
  readonly #rules: {
    list: Database.Statement<[], { data: string }>;
    get: Database.Statement<[string], { data: string }>;
    byName: Database.Statement<[string], { data: string }>;
    upsert: Database.Statement<[string, string, string, number]>;
    remove: Database.Statement<[string]>;
  };
  readonly #states: {
    list: Database.Statement<[], { data: string }>;
    upsert: Database.Statement<[string, string, string, number, string]>;
    removeProfile: Database.Statement<[string]>;
  };
  readonly #notes: {
    insert: Database.Statement<Record<string, unknown>>;
    recent: Database.Statement<[number], NotificationRow>;
    recentUnread: Database.Statement<[number], NotificationRow>;
    unread: Database.Statement<[], number>;
    markAll: Database.Statement<[number]>;
    mark: Database.Statement<[number, string]>;
    prune: Database.Statement<[number]>;
  };

  constructor(db: Database.Database) {
    this.#db = db;
    this.#rules = {
      list: db.prepare("SELECT data FROM alert_rules ORDER BY created_at, name"),
      get: db.prepare("SELECT data FROM alert_rules WHERE id = ?"),
      byName: db.prepare("SELECT data FROM alert_rules WHERE name = ?"),
      upsert: db.prepare(
        `INSERT INTO alert_rules (id, name, data, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, data = excluded.data`,
      ),
      remove: db.prepare("DELETE FROM alert_rules WHERE id = ?"),
    };
    this.#states = {
      list: db.prepare("SELECT data FROM alert_states"),
      upsert: db.prepare(
        `INSERT INTO alert_states (rule_id, profile_id, state, since, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rule_id, profile_id) DO UPDATE SET state = excluded.state,
           since = excluded.since, data = excluded.data`,
      ),
      removeProfile: db.prepare("DELETE FROM alert_states WHERE profile_id = ?"),
    };
    this.#notes = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO notifications
           (id, ts, dedupe_key, rule_id, profile_id, kind, severity, title, body, read_at)
         VALUES (@id, @ts, @dedupeKey, @ruleId, @profileId, @kind, @severity, @title, @body, NULL)`,
      ),
      recent: db.prepare("SELECT * FROM notifications ORDER BY ts DESC, id DESC LIMIT ?"),
      recentUnread: db.prepare(
        "SELECT * FROM notifications WHERE read_at IS NULL ORDER BY ts DESC, id DESC LIMIT ?",
      ),
      unread: db
        .prepare<[], number>("SELECT COUNT(*) FROM notifications WHERE read_at IS NULL")
        .pluck(),
      markAll: db.prepare("UPDATE notifications SET read_at = ? WHERE read_at IS NULL"),
      mark: db.prepare("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL"),
      prune: db.prepare("DELETE FROM notifications WHERE ts < ?"),
    };
  }

  listRules(): AlertRule[] {
    return this.#rules.list.all().map((r) => JSON.parse(r.data) as AlertRule);
  }

  getRule(id: string): AlertRule | undefined {
    const row = this.#rules.get.get(id);
    return row ? (JSON.parse(row.data) as AlertRule) : undefined;
  }

  getRuleByName(name: string): AlertRule | undefined {
    const row = this.#rules.byName.get(name);
    return row ? (JSON.parse(row.data) as AlertRule) : undefined;
  }

  /** Inserts or replaces; a name taken by another rule is a conflict. */
  saveRule(rule: AlertRule): void {
    const other = this.getRuleByName(rule.name);
    if (other && other.id !== rule.id) {
      throw new CachifyError(
        "conflict",
        `An alert rule named "${rule.name}" already exists: choose another name or remove it first.`,
      );
    }
    this.#rules.upsert.run(rule.id, rule.name, JSON.stringify(rule), rule.createdAt);
  }

  /** Removes the rule and its states; false when there was none. */
  removeRule(id: string): boolean {
    return this.#rules.remove.run(id).changes > 0;
  }

  listStates(): AlertState[] {
    return this.#states.list.all().map((r) => JSON.parse(r.data) as AlertState);
  }

  saveStates(states: readonly AlertState[]): void {
    if (states.length === 0) return;
    this.#db
      .transaction(() => {
        for (const s of states) {
          this.#states.upsert.run(
            s.ruleId,
            s.profileId,
            s.state satisfies AlertStateName,
            s.since,
            JSON.stringify(s),
          );
        }
      })
      .immediate();
  }

  removeProfileStates(profileId: string): void {
    this.#states.removeProfile.run(profileId);
  }

  /** Stores a notification once: false when one with the same dedupe key is already there. */
  addNotification(n: StoredNotification): boolean {
    return (
      this.#notes.insert.run({
        id: n.id,
        ts: n.ts,
        dedupeKey: n.dedupeKey,
        ruleId: n.ruleId ?? null,
        profileId: n.profileId ?? null,
        kind: n.kind,
        severity: n.severity,
        title: n.title,
        body: n.body,
      }).changes > 0
    );
  }

  notifications(query: { limit?: number; unreadOnly?: boolean } = {}): StoredNotification[] {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw badInput("limit must be a whole number from 1 to 1000.");
    const rows = (query.unreadOnly ? this.#notes.recentUnread : this.#notes.recent).all(limit);
    return rows.map(fromNotificationRow);
  }

  unreadCount(): number {
    return this.#notes.unread.get() ?? 0;
  }

  /** Marks the given notifications (or all) read; returns how many changed. */
  markRead(ids: string[] | "all", now: number = Date.now()): number {
    if (ids === "all") return this.#notes.markAll.run(now).changes;
    let n = 0;
    this.#db
      .transaction(() => {
        for (const id of ids) n += this.#notes.mark.run(now, id).changes;
      })
      .immediate();
    return n;
  }

  pruneNotifications(olderThanMs: number, now: number = Date.now()): number {
    return this.#notes.prune.run(now - olderThanMs).changes;
  }
}

function fromNotificationRow(r: NotificationRow): StoredNotification {
  const n: StoredNotification = {
    id: r.id,
    ts: r.ts,
    dedupeKey: r.dedupe_key,
    kind: r.kind as StoredNotification["kind"],
    severity: r.severity as Severity,
    title: r.title,
    body: r.body,
  };
  if (r.rule_id !== null) n.ruleId = r.rule_id;
  if (r.profile_id !== null) n.profileId = r.profile_id;
  if (r.read_at !== null) n.readAt = r.read_at;
  return n;
}
