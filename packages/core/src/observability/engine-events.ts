import { newId } from "../common/ids.ts";
import type { HistoryEvent, Severity } from "../history/event.ts";
import type { KeyRedactor } from "../history/redaction.ts";
import type { SlowlogEntry } from "../operations/operation.ts";
import type { Environment } from "../profiles/profile.ts";
import {
  type AlertDecision,
  type AlertRule,
  alertNotificationText,
  formatDuration,
  formatNumber,
} from "./alerts.ts";
import type { EngineReading } from "./engine-reading.ts";
import type { Health } from "./metrics.ts";

/** The part of a profile an engine event names (never its address or secrets). */
export interface ProfileRef {
  id: string;
  name: string;
  environment: Environment;
}

function base(
  profile: ProfileRef,
  source: HistoryEvent["source"],
  kind: string,
  severity: Severity,
  ts: number,
  message: string,
): HistoryEvent {
  return {
    id: newId("ev"),
    ts,
    source,
    kind,
    severity,
    profileId: profile.id,
    profileName: profile.name,
    environment: profile.environment,
    origin: "collector",
    message,
    count: 1,
  };
}

/** The collector's rolled-up audit: one event when a profile's health changes, with the reason. */
export function healthChangeEvent(
  profile: ProfileRef,
  from: Health,
  to: Health,
  reasons: string[],
  ts: number,
): HistoryEvent {
  const severity: Severity = to === "down" ? "error" : to === "degraded" ? "warning" : "info";
  const why = reasons.length > 0 ? `: ${reasons.join("; ")}` : "";
  return base(profile, "stats", "health", severity, ts, `health ${from} → ${to}${why}`);
}

export function restartEvent(profile: ProfileRef, cur: EngineReading, ts: number): HistoryEvent {
  const up = cur.uptimeS === undefined ? "" : ` (up ${cur.uptimeS} s)`;
  return base(
    profile,
    "stats",
    "restart",
    "warning",
    ts,
    `server restarted${up}: counters and the slow log start again`,
  );
}

/** Replication role and link changes between two readings. */
export function replicationEvents(
  profile: ProfileRef,
  prev: EngineReading,
  cur: EngineReading,
  ts: number,
): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  if (prev.role && cur.role && prev.role !== cur.role) {
    out.push(
      base(profile, "stats", "replication-role", "warning", ts, `role ${prev.role} → ${cur.role}`),
    );
  }
  if (cur.replicationLink && prev.replicationLink !== cur.replicationLink) {
    const down = cur.replicationLink === "down";
    out.push(
      base(
        profile,
        "stats",
        "replication-link",
        down ? "error" : "info",
        ts,
        `replication link to the primary ${down ? "down" : "up"}`,
      ),
    );
  }
  return out;
}

/** Error replies the server sent since the previous poll, by error prefix (Redis errorstats). */
export function errorstatsEvent(
  profile: ProfileRef,
  deltas: Record<string, number>,
  ts: number,
): HistoryEvent | undefined {
  const entries = Object.entries(deltas).filter(([, n]) => n > 0);
  if (entries.length === 0) return undefined;
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const e = base(
    profile,
    "errorstats",
    "errorstats",
    "warning",
    ts,
    `${total} error repl${total === 1 ? "y" : "ies"}: ${entries
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ×${n}`)
      .join(", ")}`,
  );
  e.count = total;
  return e;
}

/** Evictions, refused connections and the like, counted over a throttle window. */
export function countEvent(
  profile: ProfileRef,
  kind: "evictions" | "rejected-connections" | "listen-disabled",
  n: number,
  ts: number,
  followUp: boolean,
  windowMs: number,
): HistoryEvent {
  const what =
    kind === "evictions"
      ? `${n} key${n === 1 ? "" : "s"} evicted`
      : kind === "rejected-connections"
        ? `${n} connection${n === 1 ? "" : "s"} refused by the server`
        : `the server stopped accepting connections ${n} time${n === 1 ? "" : "s"}`;
  const e = base(
    profile,
    "stats",
    kind,
    kind === "evictions" ? "warning" : "error",
    ts,
    followUp ? `${what} in the last ${Math.round(windowMs / 1000)} s` : what,
  );
  e.count = n;
  return e;
}

/**
 * SLOWLOG entries as timeline events. The entry's arguments are already redacted by the adapter
 * (command name and key names; other arguments "<N bytes>"). SLOWLOG ids restart with the server,
 * so the dedupe key is the run id + node + id. Key names matching a sensitive pattern are
 * replaced by their redacted form (prefix and keyed hash).
 */
export function slowlogEvent(
  profile: ProfileRef,
  runId: string,
  entry: SlowlogEntry,
  redactor?: KeyRedactor,
): HistoryEvent {
  const ms = entry.durationMicros / 1000;
  let command = entry.command;
  if (redactor && entry.keys?.length) {
    command = [...command];
    for (const { at, key } of entry.keys) {
      const hidden = redactor.redact(key);
      if (hidden !== undefined && at < command.length) command[at] = hidden;
    }
  }
  const e = base(
    profile,
    "slowlog",
    "slow-command",
    "warning",
    entry.ts,
    `${command.join(" ")} (${formatNumber(ms)} ms${entry.client ? `, client ${entry.client}` : ""}${entry.node ? `, on ${entry.node}` : ""})`,
  );
  e.durationMs = ms;
  e.operation = (entry.command[0] ?? "").toUpperCase();
  e.dedupeKey = slowlogDedupeKey(profile.id, runId, entry);
  return e;
}

/** Run id + node + id; the entry's time too, so a cluster node that restarts on its own (its
 * ids start again while the run id we know is another node's) still cannot collide. */
export function slowlogDedupeKey(profileId: string, runId: string, entry: SlowlogEntry): string {
  return `slowlog:${profileId}:${runId}:${entry.node ?? ""}:${entry.id}:${entry.ts}`;
}

export interface LatencySample {
  node?: string;
  event: string;
  /** When the spike happened (ms since epoch). */
  ts: number;
  latencyMs: number;
}

export function latencyEvent(
  profile: ProfileRef,
  runId: string,
  sample: LatencySample,
): HistoryEvent {
  const e = base(
    profile,
    "latency",
    "latency-spike",
    "warning",
    sample.ts,
    `latency spike: ${sample.event} took ${sample.latencyMs} ms${sample.node ? ` on ${sample.node}` : ""}`,
  );
  e.durationMs = sample.latencyMs;
  e.operation = sample.event;
  e.dedupeKey = `latency:${profile.id}:${runId}:${sample.node ?? ""}:${sample.event}:${sample.ts}`;
  return e;
}

/** Keyspace notifications of one event type over a short window, with a few key names. */
export function keyspaceEvent(
  profile: ProfileRef,
  event: string,
  count: number,
  keys: string[],
  ts: number,
): HistoryEvent {
  const e = base(
    profile,
    "keyspace",
    event,
    event === "evicted" ? "warning" : "info",
    ts,
    `${count}× ${event}${keys.length > 0 ? `: ${keys.join(" ")}${count > keys.length ? " …" : ""}` : ""}`,
  );
  e.count = count;
  if (keys.length > 0) {
    e.keys = keys;
    e.keyCount = count;
  }
  return e;
}

/** An alert rule's state change for one profile, as the timeline shows it. */
export function alertEvent(
  rule: AlertRule,
  profile: ProfileRef,
  decision: AlertDecision,
  ts: number,
): HistoryEvent | undefined {
  const to = decision.changed?.to;
  if (!to) return undefined;
  const value = decision.state.value;
  const text = alertNotificationText(
    rule,
    profile,
    to === "resolved" ? "resolved" : "firing",
    value,
  );
  const message =
    to === "firing" || to === "resolved"
      ? `${text.title} — ${text.body}`
      : to === "pending"
        ? `Pending: ${rule.name} — ${text.body} (fires if it holds for ${formatDuration(rule.forMs)})`
        : `Cleared before firing: ${rule.name}`;
  const e = base(
    profile,
    "alert",
    `alert-${to}`,
    to === "firing" ? rule.severity : "info",
    ts,
    message,
  );
  delete e.origin;
  e.dedupeKey = `alert:${rule.id}:${profile.id}:${to}:${ts}`;
  return e;
}

/**
 * Keeps repeated engine happenings (evictions, refused connections, error replies) from flooding
 * the timeline: the first of a burst goes out at once, the rest of the window is added up and goes
 * out as one follow-up when the window ends. Pure: the caller passes the time.
 */
export class BurstThrottle {
  private readonly open = new Map<string, { until: number; pending: number }>();

  constructor(readonly windowMs = 60_000) {}

  /** Returns how many to report now (0: held for the follow-up). */
  offer(key: string, n: number, now: number): number {
    if (n <= 0) return 0;
    const w = this.open.get(key);
    if (!w || now >= w.until) {
      this.open.set(key, { until: now + this.windowMs, pending: 0 });
      return n;
    }
    w.pending += n;
    return 0;
  }

  /** Windows that ended with something held: their totals, to report as follow-ups. */
  due(now: number): { key: string; n: number }[] {
    const out: { key: string; n: number }[] = [];
    for (const [key, w] of this.open) {
      if (now < w.until) continue;
      if (w.pending > 0) {
        out.push({ key, n: w.pending });
        // The follow-up opens a new window, so a steady stream gives one event per window.
        this.open.set(key, { until: now + this.windowMs, pending: 0 });
      } else this.open.delete(key);
    }
    return out;
  }
}
