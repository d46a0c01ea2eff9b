import {
  ALERT_LIMITS,
  type AlertRule,
  type AlertState,
  alertEvent,
  assessHealth,
  auditKey,
  BurstThrottle,
  CachifyError,
  type ConnectionProfile,
  countEvent,
  counterDeltas,
  type EngineReading,
  errorstatsEvent,
  evaluateAlert,
  type Health,
  type HealthCard,
  type HealthInput,
  type HistoryEvent,
  healthChangeEvent,
  initialAlertState,
  type KeyRedactor,
  type KeyspaceSubscription,
  keyspaceEvent,
  latencyEvent,
  type MetricPoint,
  type MetricValues,
  minuteOf,
  type ObservabilitySettings,
  type Operation,
  type OperationGate,
  type PollSample,
  type ProfileRef,
  pollValues,
  type ResultOf,
  type Rollup,
  RollupBuilder,
  readEngine,
  reduceWindow,
  replicationEvents,
  restartEvent,
  ruleApplies,
  slowlogDedupeKey,
  slowlogEvent,
  toCachifyError,
} from "@cachify/core";
import type { Store } from "@cachify/store";
import type { AppMetrics } from "./app-metrics.ts";
import type { LiveBus } from "./live-bus.ts";
import type { AlertNotifier } from "./notifier.ts";

export interface CollectorDeps {
  gate: OperationGate;
  /** The profiles as they are now (read again every tick: added, removed, edited). */
  profiles: () => ConnectionProfile[];
  /** One profile as it is now (read at each poll, so a poll never uses an edited profile's old self). */
  profile: (id: string) => ConnectionProfile | undefined;
  history: { append(event: HistoryEvent): void };
  store: Pick<Store, "metrics" | "alerts" | "observability" | "timeline" | "history">;
  live: LiveBus;
  appMetrics: AppMetrics;
  notifier: AlertNotifier;
  settings: () => ObservabilitySettings;
  /** The "alerts" switch, read at each poll: off, rules are not evaluated and nothing notifies. */
  alerts?: () => boolean;
  clock?: () => number;
  /** Redaction rules: sensitive key names in SLOWLOG and keyspace events become prefix + hash. */
  redactor?: KeyRedactor;
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
const KEYSPACE_RECHECK_MS = 60_000;
const KEYSPACE_KEYS_SHOWN = 5;
const PRUNE_EVERY_MS = 3_600_000;
const TICK_MS = 1000;

interface KeyspaceWindow {
  count: number;
  keys: string[];
}

/** One watched profile: its poll loop and what the last polls found. */
class Watch {
  timer: NodeJS.Timeout | undefined;
  running = false;
  stopped = false;
  health: Health = "unknown";
  reasons: string[] = [];
  since: number;
  lastPollAt: number | undefined;
  pingMs: number | undefined;
  reading: EngineReading | undefined;
  latest: MetricValues = {};
  points: MetricPoint[] = [];
  rollup: RollupBuilder;
  rollupBucket: number;
  lastEventsAt = 0;
  events: HealthCard["events"] = {};
  keyspace: KeyspaceSubscription | undefined;
  keyspaceCheckedAt = 0;
  /** Per second: keyspace events by event name, for the live push. */
  keyspaceLive = new Map<string, KeyspaceWindow>();
  /** Per minute: the same, for the stored timeline event. */
  keyspaceMinute = new Map<string, KeyspaceWindow>();
  keyspaceMinuteBucket: number;
  seen = new Set<string>();
  heldErrors: Record<string, number> = {};

  constructor(
    public profile: ConnectionProfile,
    now: number,
  ) {
    this.since = now;
    this.rollup = new RollupBuilder(profile.id, profile.environment);
    this.rollupBucket = minuteOf(now);
    this.keyspaceMinuteBucket = minuteOf(now);
  }

  get ref(): ProfileRef {
    return { id: this.profile.id, name: this.profile.name, environment: this.profile.environment };
  }
}

/**
 * The observability collector (runs only inside `cachify studio`). Every watched profile is polled
 * through the gate with origin "collector": PING (latency, up/down), then INFO / stats, turned into
 * health with its reasons, metric values, counter deltas (restarts handled), engine events and
 * alert evaluations. The gate does not audit these reads one by one; the collector's rolled-up
 * audit is the timeline itself: a health change, a restart, a replication change, error replies,
 * evictions and refused connections (throttled), SLOWLOG and LATENCY entries (deduplicated), alert
 * state changes. Metrics go to SQLite as 1-minute rollups; health and metrics are pushed live.
 */
export class Collector {
  private readonly watches = new Map<string, Watch>();
  private readonly clock: () => number;
  private rules: AlertRule[] = [];
  private readonly states = new Map<string, AlertState>();
  private readonly throttle = new BurstThrottle(60_000);
  private readonly appOnlyBuckets = new Map<string, number>();
  private pendingRollups: Rollup[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private lastPruneAt = 0;
  private started = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: CollectorDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.reloadRules();
    for (const s of this.deps.store.alerts.listStates())
      this.states.set(stateKey(s.ruleId, s.profileId), s);
    this.prune();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    for (const w of this.watches.values()) this.unwatch(w, false);
    await Promise.allSettled([...this.inFlight]);
    // The current (partial) minutes are kept: a later run merges into the same buckets.
    for (const w of this.watches.values()) this.finishRollup(w);
    for (const id of this.deps.appMetrics.minuteProfiles()) this.finishAppOnly(id, true);
    this.writeRollups();
    this.watches.clear();
  }

  /** Re-reads the alert rules (after an add, edit or remove). */
  reloadRules(): void {
    this.rules = this.deps.store.alerts.listRules();
    const ids = new Set(this.rules.map((r) => r.id));
    for (const [k, s] of this.states) if (!ids.has(s.ruleId)) this.states.delete(k);
  }

  /** Re-reads profiles and the watch switches now (instead of at the next tick). */
  refresh(): void {
    this.syncProfiles();
  }

  cards(): HealthCard[] {
    const unwatched = this.deps.store.observability.unwatched();
    return this.deps.profiles().map((p) => {
      const w = this.watches.get(p.id);
      return w ? this.card(w) : unwatchedCard(p, !unwatched.has(p.id));
    });
  }

  card(w: Watch): HealthCard {
    const alerts = { firing: 0, pending: 0 };
    for (const s of this.states.values()) {
      if (s.profileId !== w.profile.id) continue;
      if (s.state === "firing") alerts.firing++;
      else if (s.state === "pending") alerts.pending++;
    }
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
      alerts,
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
    return [...this.states.values()];
  }

  // ---- the loop -------------------------------------------------------------------------------

  private tick(): void {
    if (this.stopping) return;
    const now = this.clock();
    try {
      this.syncProfiles();
      for (const w of this.watches.values()) {
        this.flushKeyspace(w, now, false);
      }
      this.followUps(now);
      for (const id of this.deps.appMetrics.minuteProfiles()) this.finishAppOnly(id, false);
      this.writeRollups();
      if (now - this.lastPruneAt >= PRUNE_EVERY_MS) this.prune();
    } catch (e) {
      console.error(`cachify: collector: ${(e as Error).message}`);
    }
    this.tickTimer = setTimeout(() => this.tick(), TICK_MS);
    this.tickTimer.unref?.();
  }

  private syncProfiles(): void {
    const now = this.clock();
    const unwatched = this.deps.store.observability.unwatched();
    const profiles = this.deps.profiles();
    const ids = new Set<string>();
    for (const p of profiles) {
      if (unwatched.has(p.id)) continue;
      ids.add(p.id);
      const w = this.watches.get(p.id);
      if (!w) {
        const nw = new Watch(p, now);
        this.watches.set(p.id, nw);
        this.schedule(nw, 0);
      } else if (w.profile.updatedAt !== p.updatedAt) {
        // Edited (maybe another server): the event feed follows, the next poll compares afresh.
        w.profile = p;
        w.rollup.environment = p.environment;
        this.closeKeyspace(w);
      }
    }
    for (const [id, w] of this.watches) {
      if (ids.has(id)) continue;
      this.unwatch(w, true);
      this.watches.delete(id);
    }
  }

  private unwatch(w: Watch, finish: boolean): void {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.closeKeyspace(w);
    if (finish) {
      this.finishRollup(w);
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
    if (current.updatedAt !== w.profile.updatedAt) {
      w.profile = current;
      w.rollup.environment = current.environment;
      this.closeKeyspace(w);
    }
    const p = w.profile;
    const now = this.clock();
    const timeoutMs = Math.min(p.timeoutMs, Math.max(2000, settings.pollIntervalMs));
    let ping: HealthInput["ping"];
    let reading: EngineReading | undefined;
    let statsError: string | undefined;
    try {
      const r = await this.run(p, { kind: "ping" }, timeoutMs);
      ping = { ok: true, ms: r.latencyMs };
    } catch (e) {
      ping = { ok: false, error: toCachifyError(e).message };
    }
    if (ping.ok) {
      try {
        reading = readEngine(await this.run(p, { kind: "stats" }, timeoutMs));
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
      this.finishRollup(w);
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
    if (deltas) this.countEvents(w, deltas.counters, deltas.errorstats, now, events);
    const changed = assessed.health !== w.health;
    const reasonsChanged = assessed.reasons.join("\n") !== w.reasons.join("\n");
    if (changed && !(w.health === "unknown" && assessed.health === "ok")) {
      events.push(healthChangeEvent(w.ref, w.health, assessed.health, assessed.reasons, now));
    }
    if (changed) w.since = now;
    w.health = assessed.health;
    w.reasons = assessed.reasons;
    if (reading) w.reading = reading;
    if (p.engine === "memcached") {
      const reason = "Memcached keeps no slow log, latency monitor or keyspace notifications.";
      w.events = {
        slowlog: { enabled: false, reason },
        latency: { enabled: false, reason },
        keyspace: { enabled: false, reason },
      };
    }
    for (const e of events) this.deps.history.append(e);
    if (changed || reasonsChanged) this.deps.live.publish({ type: "health", card: this.card(w) });
    this.deps.live.publish({ type: "metrics", profileId: p.id, ts: now, values });

    if (ping.ok && p.engine === "redis") {
      if (now - w.lastEventsAt >= settings.eventsIntervalMs) {
        w.lastEventsAt = now;
        await this.engineEvents(w, timeoutMs, settings);
      }
      if (!w.keyspace && now - w.keyspaceCheckedAt >= KEYSPACE_RECHECK_MS)
        await this.openKeyspace(w, timeoutMs);
    }
    this.evaluateAlerts(w, this.clock());
  }

  /** A read through the gate, bounded by the collector's own timeout (cancelled via the signal). */
  private run<O extends Operation>(
    p: ConnectionProfile,
    op: O,
    timeoutMs: number,
  ): Promise<ResultOf<O>> {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new CachifyError(
            "timeout",
            `${op.kind} on "${p.name}" did not answer within ${timeoutMs.toLocaleString("en-US")} ms`,
            { errorClass: "timeout-ambiguous", retryable: true },
          ),
        ),
      timeoutMs,
    );
    return this.deps.gate
      .run(p, op, { origin: "collector", signal: controller.signal })
      .finally(() => clearTimeout(timer));
  }

  /** Evictions, refused connections, listen-disabled and error replies: first at once, then per minute. */
  private countEvents(
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
  private followUps(now: number): void {
    for (const { key, n } of this.throttle.due(now)) {
      const [profileId, kind] = key.split("\0") as [string, string];
      const w = this.watches.get(profileId);
      if (!w) continue;
      if (kind === "errorstats") {
        const e = errorstatsEvent(w.ref, w.heldErrors, now);
        w.heldErrors = {};
        if (e) {
          e.message = `${e.message} (in the last ${Math.round(this.throttle.windowMs / 1000)} s)`;
          this.deps.history.append(e);
        }
      } else {
        this.deps.history.append(
          countEvent(
            w.ref,
            kind as "evictions" | "rejected-connections" | "listen-disabled",
            n,
            now,
            true,
            this.throttle.windowMs,
          ),
        );
      }
    }
  }

  /** SLOWLOG and LATENCY into the timeline, each entry once (run id + node + id). */
  private async engineEvents(
    w: Watch,
    timeoutMs: number,
    settings: ObservabilitySettings,
  ): Promise<void> {
    const p = w.profile;
    const runId = w.reading?.runId ?? "unknown";
    const cutoff = this.clock() - settings.timelineRetentionDays * 86_400_000;
    const fresh = (key: string) => {
      if (w.seen.has(key)) return false;
      if (w.seen.size > 20_000) w.seen.clear();
      w.seen.add(key);
      return !this.deps.store.timeline.hasDedupeKey(key);
    };
    try {
      const entries = await this.run(p, { kind: "slowlog", count: SLOWLOG_READ }, timeoutMs);
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
      const report = await this.run(p, { kind: "latency" }, timeoutMs);
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
  private async openKeyspace(w: Watch, timeoutMs: number): Promise<void> {
    w.keyspaceCheckedAt = this.clock();
    try {
      const feed = await this.run(w.profile, { kind: "keyspaceEvents" }, timeoutMs);
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

  private closeKeyspace(w: Watch): void {
    const sub = w.keyspace;
    w.keyspace = undefined;
    w.keyspaceCheckedAt = 0;
    if (sub) void sub.close();
    this.flushKeyspace(w, this.clock(), true);
  }

  /**
   * Keyspace notifications: pushed live each second as transient timeline events, and stored as
   * one event per event type per minute (a busy server would otherwise fill the timeline).
   */
  private flushKeyspace(w: Watch, now: number, final: boolean): void {
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

  // ---- alerts ---------------------------------------------------------------------------------

  private evaluateAlerts(w: Watch, now: number): void {
    if (this.deps.alerts?.() === false) return;
    const changed: AlertState[] = [];
    for (const rule of this.rules) {
      const key = stateKey(rule.id, w.profile.id);
      if (!ruleApplies(rule, w.profile)) {
        // Out of scope now (the rule or the profile changed): its old state no longer applies.
        const old = this.states.get(key);
        if (old && old.state !== "normal") {
          const reset = { ...old, state: "normal" as const, since: now };
          delete reset.firingSince;
          this.states.set(key, reset);
          changed.push(reset);
        }
        continue;
      }
      const prev = this.states.get(key) ?? initialAlertState(rule.id, w.profile.id, now);
      const value = reduceWindow(rule, w.points, now);
      const decision = evaluateAlert(rule, prev, value, now);
      this.states.set(key, decision.state);
      if (decision.changed || decision.notice) changed.push(decision.state);
      if (decision.changed) {
        const e = alertEvent(rule, w.ref, decision, now);
        if (e) this.deps.history.append(e);
        this.deps.live.publish({
          type: "alert",
          rule: { id: rule.id, name: rule.name, severity: rule.severity },
          profileId: w.profile.id,
          state: decision.state,
          from: decision.changed.from,
        });
      }
      if (decision.notice) {
        const p = this.deps.notifier
          .notify(rule, w.profile, decision.notice, decision.state)
          .catch((e) => console.error(`cachify: notification failed: ${(e as Error).message}`))
          .finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
    if (changed.length > 0) {
      this.deps.store.alerts.saveStates(changed);
      this.deps.live.publish({ type: "health", card: this.card(w) });
    }
  }

  // ---- rollups and retention ------------------------------------------------------------------

  private finishRollup(w: Watch): void {
    const app = this.deps.appMetrics.drainMinute(w.profile.id);
    if (w.rollup.empty && !app) return;
    this.pendingRollups.push(w.rollup.finish(w.rollupBucket, app));
  }

  /** App metrics of a profile that is not polled (switched off): rollups of its operations only. */
  private finishAppOnly(profileId: string, force: boolean): void {
    if (this.watches.has(profileId)) return;
    const now = this.clock();
    const bucket = this.appOnlyBuckets.get(profileId) ?? minuteOf(now);
    this.appOnlyBuckets.set(profileId, bucket);
    if (!force && minuteOf(now) === bucket) return;
    const p = this.deps.profiles().find((x) => x.id === profileId);
    const app = this.deps.appMetrics.drainMinute(profileId);
    this.appOnlyBuckets.delete(profileId);
    if (!p || !app) return;
    this.pendingRollups.push(new RollupBuilder(p.id, p.environment).finish(bucket, app));
  }

  private writeRollups(): void {
    if (this.pendingRollups.length === 0) return;
    const rows = this.pendingRollups;
    this.pendingRollups = [];
    try {
      this.deps.store.metrics.writeMinutes(rows);
    } catch (e) {
      this.pendingRollups = rows.concat(this.pendingRollups);
      console.error(`cachify: could not write metric rollups: ${(e as Error).message}`);
    }
  }

  /** Retention: rollups, timeline events and notifications older than their windows go. */
  prune(): void {
    const now = this.clock();
    this.lastPruneAt = now;
    const s = this.deps.settings();
    try {
      this.deps.store.metrics.prune(s.metricsRetentionDays * 86_400_000, now);
      this.deps.store.history.prune(s.timelineRetentionDays * 86_400_000, now);
      this.deps.store.alerts.pruneNotifications(s.timelineRetentionDays * 86_400_000, now);
    } catch (e) {
      console.error(`cachify: retention prune failed: ${(e as Error).message}`);
    }
  }
}

function stateKey(ruleId: string, profileId: string): string {
  return `${ruleId}\0${profileId}`;
}

export function unwatchedCard(p: ConnectionProfile, watched: boolean): HealthCard {
  return {
    profileId: p.id,
    profileName: p.name,
    environment: p.environment,
    engine: p.engine,
    watched,
    health: "unknown",
    reasons: watched ? ["not polled yet"] : ["not watched (switched off for this profile)"],
    metrics: {},
    events: {},
    alerts: { firing: 0, pending: 0 },
  };
}
