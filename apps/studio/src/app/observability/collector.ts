import {
  ALERT_LIMITS,
  type AlertRepository,
  type AlertState,
  assessHealth,
  type Capabilities,
  type ConnectionProfile,
  counterDeltas,
  type EngineReading,
  type HealthCard,
  type HealthInput,
  type HistoryEvent,
  type HistoryRetention,
  healthChangeEvent,
  type KeyRedactor,
  type MetricPoint,
  type MetricRepository,
  minuteOf,
  type ObservabilitySettings,
  type ObservabilitySettingsRepository,
  type OperationGate,
  type PollSample,
  pollValues,
  readEngine,
  replicationEvents,
  restartEvent,
  type TimelineQueries,
  toCachifyError,
} from "@cachify/core";
import { AlertEvaluator } from "./alert-evaluator.ts";
import type { AppMetrics } from "./app-metrics.ts";
import { EngineEventWatcher } from "./engine-events.ts";
import { type CollectorRead, collectorRead } from "./gate-read.ts";
import type { LiveBus } from "./live-bus.ts";
import type { AlertNotifier } from "./notifier.ts";
import { RollupWriter } from "./rollups.ts";
import { alertCounts, unwatchedCard, Watch } from "./watch.ts";

export { unwatchedCard } from "./watch.ts";

export interface CollectorDeps {
  gate: Pick<OperationGate, "run">;
  /** The profiles as they are now (read again every tick: added, removed, edited). */
  profiles: () => ConnectionProfile[];
  /** One profile as it is now (read at each poll, so a poll never uses an edited profile's old self). */
  profile: (id: string) => ConnectionProfile | undefined;
  /** What a profile's engine can do (its provider's capabilities): engine events or not. */
  capabilities: (p: ConnectionProfile) => Capabilities;
  history: { append(event: HistoryEvent): void };
  metrics: Pick<MetricRepository, "writeMinutes" | "prune">;
  alertStore: Pick<
    AlertRepository,
    "listRules" | "listStates" | "saveStates" | "pruneNotifications"
  >;
  /** The per-profile watch switch. */
  watching: Pick<ObservabilitySettingsRepository, "unwatched">;
  timeline: Pick<TimelineQueries, "hasDedupeKey">;
  historyRetention: HistoryRetention;
  live: LiveBus;
  appMetrics: AppMetrics;
  notifier: Pick<AlertNotifier, "notify">;
  settings: () => ObservabilitySettings;
  /** The "alerts" switch, read at each poll: off, rules are not evaluated and nothing notifies. */
  alerts?: () => boolean;
  clock?: () => number;
  /** Redaction rules: sensitive key names in SLOWLOG and keyspace events become prefix + hash. */
  redactor?: KeyRedactor | undefined;
}

const KEYSPACE_RECHECK_MS = 60_000;
const TICK_MS = 1000;

/**
 * The observability collector (runs only inside `cachify studio`): the poll loop. Every watched
 * profile is polled through the gate with origin "collector": PING (latency, up/down), then INFO /
 * stats, turned into health with its reasons, metric values and counter deltas (restarts
 * handled). The gate does not audit these reads one by one; the collector's rolled-up audit is the
 * timeline itself: health changes, restarts, replication changes, and the engine's own events
 * (engine-events.ts) and alert state changes (alert-evaluator.ts). Metrics go to SQLite as 1-minute
 * rollups (rollups.ts); health and metrics are pushed live.
 */
export class Collector {
  private readonly watches = new Map<string, Watch>();
  private readonly clock: () => number;
  private readonly read: CollectorRead;
  private readonly events: EngineEventWatcher;
  private readonly alerts: AlertEvaluator;
  private readonly rollups: RollupWriter;
  private tickTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: CollectorDeps) {
    this.clock = deps.clock ?? Date.now;
    this.read = collectorRead(deps.gate);
    this.events = new EngineEventWatcher({
      read: this.read,
      history: deps.history,
      live: deps.live,
      timeline: deps.timeline,
      clock: this.clock,
      redactor: deps.redactor,
    });
    this.alerts = new AlertEvaluator({
      alerts: deps.alertStore,
      history: deps.history,
      live: deps.live,
      notifier: deps.notifier,
      enabled: () => deps.alerts?.() !== false,
      track: (p) => this.track(p),
      changed: (w) => deps.live.publish({ type: "health", card: this.card(w) }),
    });
    this.rollups = new RollupWriter({
      metrics: deps.metrics,
      alerts: deps.alertStore,
      history: deps.historyRetention,
      appMetrics: deps.appMetrics,
      settings: deps.settings,
      profiles: deps.profiles,
      clock: this.clock,
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.alerts.load();
    this.rollups.prune();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    for (const w of this.watches.values()) this.unwatch(w, false);
    await Promise.allSettled([...this.inFlight]);
    // The current (partial) minutes are kept: a later run merges into the same buckets.
    for (const w of this.watches.values()) this.rollups.finish(w);
    this.rollups.finishAppOnly((id) => this.watches.has(id), true);
    this.rollups.write();
    this.watches.clear();
  }

  /** Re-reads the alert rules (after an add, edit or remove). */
  reloadRules(): void {
    this.alerts.reloadRules();
  }

  /** Re-reads profiles and the watch switches now (instead of at the next tick). */
  refresh(): void {
    this.syncProfiles();
  }

  cards(): HealthCard[] {
    const unwatched = this.deps.watching.unwatched();
    return this.deps.profiles().map((p) => {
      const w = this.watches.get(p.id);
      return w ? this.card(w) : unwatchedCard(p, !unwatched.has(p.id));
    });
  }

  card(w: Watch): HealthCard {
    const c: HealthCard = {
      profileId: w.profile.id,
      profileName: w.profile.name,
      environment: w.profile.environment,
      engine: w.profile.engine,
      watched: true,
      health: w.health,
      reasons: w.reasons,
      since: w.since,
      metrics: w.latest,
      events: w.events,
      alerts: alertCounts(this.alerts.list(), w.profile.id),
    };
    if (w.health !== "unknown") c.up = w.health !== "down";
    if (w.pingMs !== undefined) c.pingMs = Math.round(w.pingMs * 1000) / 1000;
    if (w.lastPollAt !== undefined) c.lastPollAt = w.lastPollAt;
    if (w.reading?.version) c.version = w.reading.version;
    if (w.reading?.role) c.role = w.reading.role;
    return c;
  }

  /** The live per-poll points of a profile (the last hour at most). */
  points(profileId: string): MetricPoint[] {
    return this.watches.get(profileId)?.points ?? [];
  }

  alertStates(): AlertState[] {
    return this.alerts.list();
  }

  /** Retention: rollups, timeline events and notifications older than their windows go. */
  prune(): void {
    this.rollups.prune();
  }

  // ---- the loop -------------------------------------------------------------------------------

  private track(p: Promise<unknown>): void {
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private tick(): void {
    if (this.stopping) return;
    const now = this.clock();
    try {
      this.syncProfiles();
      for (const w of this.watches.values()) this.events.flushKeyspace(w, now, false);
      this.events.followUps(now, (id) => this.watches.get(id));
      this.rollups.finishAppOnly((id) => this.watches.has(id), false);
      this.rollups.write();
      this.rollups.pruneDue(now);
    } catch (e) {
      console.error(`cachify: collector: ${(e as Error).message}`);
    }
    this.tickTimer = setTimeout(() => this.tick(), TICK_MS);
    this.tickTimer.unref?.();
  }

  private syncProfiles(): void {
    const now = this.clock();
    const unwatched = this.deps.watching.unwatched();
    const ids = new Set<string>();
    for (const p of this.deps.profiles()) {
      if (unwatched.has(p.id)) continue;
      ids.add(p.id);
      const w = this.watches.get(p.id);
      if (!w) {
        const nw = new Watch(p, now);
        this.watches.set(p.id, nw);
        this.schedule(nw, 0);
      } else if (w.profile.updatedAt !== p.updatedAt) {
        // Edited (maybe another server): the event feed follows, the next poll compares afresh.
        this.follow(w, p);
      }
    }
    for (const [id, w] of this.watches) {
      if (ids.has(id)) continue;
      this.unwatch(w, true);
      this.watches.delete(id);
    }
  }

  private follow(w: Watch, p: ConnectionProfile): void {
    w.profile = p;
    w.rollup.environment = p.environment;
    this.events.closeKeyspace(w);
  }

  private unwatch(w: Watch, finish: boolean): void {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.events.closeKeyspace(w);
    if (finish) {
      this.rollups.finish(w);
      this.deps.live.publish({ type: "health", card: unwatchedCard(w.profile, false) });
    }
  }

  private schedule(w: Watch, delayMs: number): void {
    if (w.stopped || this.stopping) return;
    w.timer = setTimeout(() => {
      const started = this.clock();
      const p = this.poll(w)
        .catch((e) =>
          console.error(`cachify: collector (${w.profile.name}): ${(e as Error).message}`),
        )
        .finally(() => {
          this.inFlight.delete(p);
          const elapsed = this.clock() - started;
          this.schedule(w, Math.max(0, this.deps.settings().pollIntervalMs - elapsed));
        });
      this.inFlight.add(p);
    }, delayMs);
    w.timer.unref?.();
  }

  /** One poll of one profile: PING, stats, health, metrics, engine events, alerts. */
  private async poll(w: Watch): Promise<void> {
    const settings = this.deps.settings();
    const current = this.deps.profile(w.profile.id);
    if (!current) return; // removed: the next tick drops the watch
    if (current.updatedAt !== w.profile.updatedAt) this.follow(w, current);
    const p = w.profile;
    const now = this.clock();
    const timeoutMs = Math.min(p.timeoutMs, Math.max(2000, settings.pollIntervalMs));
    let ping: HealthInput["ping"];
    let reading: EngineReading | undefined;
    let statsError: string | undefined;
    try {
      const r = await this.read(p, { kind: "ping" }, timeoutMs);
      ping = { ok: true, ms: r.latencyMs };
    } catch (e) {
      ping = { ok: false, error: toCachifyError(e).message };
    }
    if (ping.ok) {
      try {
        reading = readEngine(await this.read(p, { kind: "stats" }, timeoutMs));
      } catch (e) {
        statsError = toCachifyError(e).message;
      }
    }
    if (w.stopped) return;
    const deltas = reading ? counterDeltas(w.reading, reading) : undefined;
    const assessed = assessHealth({
      ping,
      ...(reading ? { reading } : {}),
      ...(statsError ? { statsError } : {}),
      ...(deltas ? { deltas } : {}),
      thresholds: settings.health,
    });
    const app = this.deps.appMetrics.drainInterval(p.id);
    const sample: PollSample = { ts: now, health: assessed.health, reasons: assessed.reasons };
    if (ping.ok) sample.pingMs = ping.ms;
    if (reading) sample.reading = reading;
    if (deltas) sample.deltas = deltas;
    if (app) sample.app = app.total();

    // Rollup: a new minute closes the previous one.
    const bucket = minuteOf(now);
    if (bucket !== w.rollupBucket) {
      this.rollups.finish(w);
      w.rollupBucket = bucket;
    }
    w.rollup.addPoll(sample);

    const values = pollValues(sample);
    w.points.push({ ts: now, values });
    const keepFrom = now - ALERT_LIMITS.maxWindowMs;
    let drop = 0;
    while (drop < w.points.length && w.points[drop]!.ts <= keepFrom) drop++;
    if (drop > 0) w.points.splice(0, drop);
    w.latest = values;
    w.lastPollAt = now;
    w.pingMs = ping.ok ? ping.ms : undefined;

    const events: HistoryEvent[] = [];
    if (reading && w.reading) {
      if (deltas?.restarted) {
        events.push(restartEvent(w.ref, reading, now));
        w.seen.clear();
      }
      events.push(...replicationEvents(w.ref, w.reading, reading, now));
    }
    if (deltas) this.events.countEvents(w, deltas.counters, deltas.errorstats, now, events);
    const changed = assessed.health !== w.health;
    const reasonsChanged = assessed.reasons.join("\n") !== w.reasons.join("\n");
    if (changed && !(w.health === "unknown" && assessed.health === "ok")) {
      events.push(healthChangeEvent(w.ref, w.health, assessed.health, assessed.reasons, now));
    }
    if (changed) w.since = now;
    w.health = assessed.health;
    w.reasons = assessed.reasons;
    if (reading) w.reading = reading;
    const caps = this.deps.capabilities(p);
    if (!caps.engineEvents) {
      const reason = caps.reasons.engineEvents ?? `${p.engine} keeps no engine events.`;
      w.events = {
        slowlog: { enabled: false, reason },
        latency: { enabled: false, reason },
        keyspace: { enabled: false, reason },
      };
    }
    for (const e of events) this.deps.history.append(e);
    if (changed || reasonsChanged) this.deps.live.publish({ type: "health", card: this.card(w) });
    this.deps.live.publish({ type: "metrics", profileId: p.id, ts: now, values });

    if (ping.ok && caps.engineEvents) {
      if (now - w.lastEventsAt >= settings.eventsIntervalMs) {
        w.lastEventsAt = now;
        await this.events.readLogs(w, timeoutMs, settings);
      }
      if (!w.keyspace && now - w.keyspaceCheckedAt >= KEYSPACE_RECHECK_MS)
        await this.events.openKeyspace(w, timeoutMs);
    }
    this.alerts.evaluate(w, this.clock());
  }
}
