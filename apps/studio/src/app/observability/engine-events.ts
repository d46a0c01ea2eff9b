import {
  auditKey,
  BurstThrottle,
  countEvent,
  errorstatsEvent,
  type HistoryEvent,
  type KeyRedactor,
  keyspaceEvent,
  latencyEvent,
  minuteOf,
  type ObservabilitySettings,
  slowlogDedupeKey,
  slowlogEvent,
  type TimelineQueries,
  toCachifyError,
} from "@cachify/core";
import type { CollectorRead } from "./gate-read.ts";
import type { LiveBus } from "./live-bus.ts";
import type { Watch } from "./watch.ts";

export interface EngineEventDeps {
  read: CollectorRead;
  history: { append(event: HistoryEvent): void };
  live: LiveBus;
  /** Whether an engine event was already recorded (by an earlier run of the studio). */
  timeline: Pick<TimelineQueries, "hasDedupeKey">;
  clock: () => number;
  /** Redaction rules: sensitive key names in SLOWLOG and keyspace events become prefix + hash. */
  redactor?: KeyRedactor | undefined;
}

/** Commands the collector itself sends: their SLOWLOG entries (from our own connection) are noise. */
const OWN_COMMANDS = new Set([
  "PING",
  "INFO",
  "SLOWLOG",
  "LATENCY",
  "CONFIG",
  "COMMAND",
  "CLIENT",
  "AUTH",
  "HELLO",
  "SELECT",
  "PSUBSCRIBE",
]);
const OWN_CLIENT_NAME = /(^| )cachify-studio(-events)?$/;
const SLOWLOG_READ = 128;
const KEYSPACE_KEYS_SHOWN = 5;
type CountKind = "evictions" | "rejected-connections" | "listen-disabled";

/**
 * The engine's own events into the timeline: counters (evictions, refused connections, error
 * replies; the first at once, then per minute), SLOWLOG and LATENCY entries (each once), and the
 * keyspace notifications feed (pushed live each second, stored once per event type and minute).
 */
export class EngineEventWatcher {
  private readonly throttle = new BurstThrottle(60_000);

  constructor(private readonly deps: EngineEventDeps) {}

  /** Evictions, refused connections, listen-disabled and error replies: first at once, then per minute. */
  countEvents(
    w: Watch,
    d: { evicted: number; rejected: number; listenDisabled: number },
    errorstats: Record<string, number>,
    now: number,
    out: HistoryEvent[],
  ): void {
    const kinds = [
      ["evictions", d.evicted],
      ["rejected-connections", d.rejected],
      ["listen-disabled", d.listenDisabled],
    ] as const;
    for (const [kind, n] of kinds) {
      const emit = this.throttle.offer(`${w.profile.id}\0${kind}`, n, now);
      if (emit > 0) out.push(countEvent(w.ref, kind, emit, now, false, this.throttle.windowMs));
    }
    const total = Object.values(errorstats).reduce((s, n) => s + n, 0);
    if (total > 0) {
      const emit = this.throttle.offer(`${w.profile.id}\0errorstats`, total, now);
      if (emit > 0) {
        const e = errorstatsEvent(w.ref, errorstats, now);
        if (e) out.push(e);
      } else {
        for (const [k, n] of Object.entries(errorstats))
          w.heldErrors[k] = (w.heldErrors[k] ?? 0) + n;
      }
    }
  }

  /** Throttle windows that ended with something held: one follow-up event each. */
  followUps(now: number, watchOf: (profileId: string) => Watch | undefined): void {
    for (const { key, n } of this.throttle.due(now)) {
      const [profileId, kind] = key.split("\0") as [string, string];
      const w = watchOf(profileId);
      if (!w) continue;
      if (kind === "errorstats") {
        const e = errorstatsEvent(w.ref, w.heldErrors, now);
        w.heldErrors = {};
        if (e) {
          e.message = `${e.message} (in the last ${Math.round(this.throttle.windowMs / 1000)} s)`;
          this.deps.history.append(e);
        }
      } else {
        const windowMs = this.throttle.windowMs;
        this.deps.history.append(countEvent(w.ref, kind as CountKind, n, now, true, windowMs));
      }
    }
  }

  /** SLOWLOG and LATENCY into the timeline, each entry once (run id + node + id). */
  async readLogs(w: Watch, timeoutMs: number, settings: ObservabilitySettings): Promise<void> {
    const p = w.profile;
    const runId = w.reading?.runId ?? "unknown";
    const cutoff = this.deps.clock() - settings.timelineRetentionDays * 86_400_000;
    const fresh = (key: string) => {
      if (w.seen.has(key)) return false;
      if (w.seen.size > 20_000) w.seen.clear();
      w.seen.add(key);
      return !this.deps.timeline.hasDedupeKey(key);
    };
    try {
      const entries = await this.deps.read(p, { kind: "slowlog", count: SLOWLOG_READ }, timeoutMs);
      w.events.slowlog = { enabled: true };
      for (const entry of [...entries].reverse()) {
        if (entry.ts < cutoff) continue;
        const name = (entry.command[0] ?? "").toUpperCase();
        if (OWN_COMMANDS.has(name) && OWN_CLIENT_NAME.test(entry.client ?? "")) continue;
        if (!fresh(slowlogDedupeKey(p.id, runId, entry))) continue;
        this.deps.history.append(slowlogEvent(w.ref, runId, entry, this.deps.redactor));
      }
    } catch (e) {
      w.events.slowlog = { enabled: false, reason: toCachifyError(e).message };
    }
    try {
      const report = await this.deps.read(p, { kind: "latency" }, timeoutMs);
      w.events.latency = report.enabled
        ? { enabled: true }
        : { enabled: false, reason: report.reason ?? "latency monitoring is off" };
      for (const s of report.samples) {
        if (s.ts < cutoff) continue;
        const e = latencyEvent(w.ref, runId, s);
        if (fresh(e.dedupeKey!)) this.deps.history.append(e);
      }
    } catch (e) {
      w.events.latency = { enabled: false, reason: toCachifyError(e).message };
    }
  }

  /** Subscribes to keyspace notifications where the server publishes them (never turns them on). */
  async openKeyspace(w: Watch, timeoutMs: number): Promise<void> {
    w.keyspaceCheckedAt = this.deps.clock();
    try {
      const feed = await this.deps.read(w.profile, { kind: "keyspaceEvents" }, timeoutMs);
      if (!feed.enabled || !feed.subscription) {
        w.events.keyspace = {
          enabled: false,
          reason: feed.reason ?? "keyspace notifications are off on this server",
        };
        return;
      }
      if (w.stopped) {
        await feed.subscription.close();
        return;
      }
      w.keyspace = feed.subscription;
      w.events.keyspace = { enabled: true };
      feed.subscription.onEvent((n) => {
        for (const map of [w.keyspaceLive, w.keyspaceMinute]) {
          const win = map.get(n.event) ?? { count: 0, keys: [] };
          win.count++;
          if (win.keys.length < KEYSPACE_KEYS_SHOWN)
            win.keys.push(auditKey(n.key, this.deps.redactor));
          map.set(n.event, win);
        }
      });
      feed.subscription.onEnd((reason) => {
        if (w.keyspace !== feed.subscription) return;
        w.keyspace = undefined;
        w.keyspaceCheckedAt = 0;
        w.events.keyspace = { enabled: false, reason: `the live feed stopped: ${reason}` };
      });
    } catch (e) {
      w.events.keyspace = { enabled: false, reason: toCachifyError(e).message };
    }
  }

  closeKeyspace(w: Watch): void {
    const sub = w.keyspace;
    w.keyspace = undefined;
    w.keyspaceCheckedAt = 0;
    if (sub) void sub.close();
    this.flushKeyspace(w, this.deps.clock(), true);
  }

  /**
   * Keyspace notifications: pushed live each second as transient timeline events, and stored as
   * one event per event type per minute (a busy server would otherwise fill the timeline).
   */
  flushKeyspace(w: Watch, now: number, final: boolean): void {
    for (const [event, win] of w.keyspaceLive) {
      this.deps.live.publish({
        type: "history",
        transient: true,
        event: keyspaceEvent(w.ref, event, win.count, win.keys, now),
      });
    }
    w.keyspaceLive.clear();
    if (!final && minuteOf(now) === w.keyspaceMinuteBucket) return;
    for (const [event, win] of w.keyspaceMinute) {
      const e = keyspaceEvent(w.ref, event, win.count, win.keys, now);
      e.message = `${e.message} (minute from ${new Date(w.keyspaceMinuteBucket).toISOString().slice(11, 16)} UTC)`;
      this.deps.history.append(e);
    }
    w.keyspaceMinute.clear();
    w.keyspaceMinuteBucket = minuteOf(now);
  }
}
