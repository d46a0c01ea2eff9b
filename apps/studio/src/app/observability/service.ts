import {
  type AlertRule,
  type AlertRuleInput,
  type AlertState,
  assessHealth,
  badInput,
  buildAlertRule,
  type ConnectionProfile,
  chooseStep,
  type FeatureName,
  type HealthCard,
  type HealthInput,
  type HistoryEvent,
  type HistoryQuery,
  isMetricName,
  type KindStats,
  type MetricName,
  type MetricPoint,
  MINUTE_MS,
  newId,
  notFound,
  type ObservabilitySettings,
  type ObservabilitySettingsInput,
  type OperationGate,
  type OperationSample,
  parseDurationText,
  pollValues,
  readEngine,
  toCachifyError,
} from "@cachify/core";
import type { HeatmapCell, Series, Store, StoredNotification } from "@cachify/store";
import type { ProfileService } from "../profile-service.ts";
import { AppMetrics } from "./app-metrics.ts";
import { Collector, unwatchedCard } from "./collector.ts";
import { LiveBus } from "./live-bus.ts";
import { AlertNotifier, CommandDesktopNotifier, type DesktopNotifier } from "./notifier.ts";

/** What the service needs of the app (the composition root hands these over). */
export interface ObservabilityAppParts {
  store: Store;
  profiles: ProfileService;
  gate: OperationGate;
  history: { append(event: HistoryEvent): void; list(query: HistoryQuery): HistoryEvent[] };
  observers: ((s: OperationSample) => void)[];
  /** The V2 switches: "metrics" runs the collector, "alerts" its alert evaluation. Absent: on. */
  features?: {
    enabled(name: FeatureName): boolean;
    onChange(listener: () => void): () => void;
  };
}

/** How often a running studio looks for switches changed by another process (the CLI). */
const FEATURE_RECHECK_MS = 1000;

export interface CollectorOptions {
  clock?: () => number;
  desktop?: DesktopNotifier;
}

export interface RangeQuery {
  /** "15m", "1h", "24h", "7d", "30d": ending now. Ignored when `from` is given. */
  range?: string;
  from?: number;
  to?: number;
  /** Bucket width in ms (at least a minute); default: chosen from the range. */
  stepMs?: number;
}

export interface ResolvedRange {
  from: number;
  to: number;
  stepMs: number;
}

/** The metrics the dashboard charts by default. */
export const DASHBOARD_METRICS: MetricName[] = [
  "up",
  "ping_ms",
  "ops_per_sec",
  "app_ops",
  "app_errors",
  "app_p95_ms",
  "engine_errors",
  "memory_used_ratio",
  "evicted_keys",
  "clients",
];

export interface AlertRuleView extends AlertRule {
  states: (AlertState & { profileName?: string })[];
}

export interface TimelinePage {
  events: HistoryEvent[];
  /** Pass as `beforeId` for the next (older) page; absent on the last page. */
  nextBeforeId?: string;
}

/**
 * Observability for the API and the CLI: health cards, trends, the error heatmap, slow operations,
 * the timeline, alert rules and notifications, settings. The collector runs only when the studio
 * starts it (`startCollector`); short CLI commands read what is stored, or probe once.
 */
export class ObservabilityService {
  readonly live: LiveBus;
  readonly appMetrics = new AppMetrics();
  readonly desktop: DesktopNotifier;
  private collector: Collector | undefined;
  private cachedSettings: ObservabilitySettings | undefined;
  /** Set while the studio wants a collector (it runs only while the metrics switch is on). */
  private wanted: CollectorOptions | undefined;
  private featureTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly app: ObservabilityAppParts,
    live: LiveBus = new LiveBus(),
    desktop: DesktopNotifier = new CommandDesktopNotifier(),
  ) {
    this.live = live;
    this.desktop = desktop;
    app.features?.onChange(() => this.applyFeatures());
  }

  private feature(name: FeatureName): boolean {
    return this.app.features?.enabled(name) ?? true;
  }

  // ---- collector ------------------------------------------------------------------------------

  get running(): boolean {
    return this.collector !== undefined;
  }

  /**
   * Starts polling every watched profile (the studio only), as long as the metrics switch is on;
   * the switch then starts and stops it without a restart.
   */
  startCollector(options: CollectorOptions = {}): Collector | undefined {
    this.wanted = options;
    if (!this.featureTimer && this.app.features) {
      // A switch changed by another process (the CLI) is noticed here even when nothing else runs.
      this.featureTimer = setInterval(
        () => this.app.features?.enabled("metrics"),
        FEATURE_RECHECK_MS,
      );
      this.featureTimer.unref?.();
    }
    return this.applyFeatures();
  }

  /** The collector runs when the studio wants it and the metrics switch is on. */
  private applyFeatures(): Collector | undefined {
    if (!this.wanted) return undefined;
    if (this.feature("metrics")) return this.launch(this.wanted);
    if (this.collector) {
      void this.halt().catch((e) =>
        console.error(`cachify: stopping the collector: ${(e as Error).message}`),
      );
    }
    return undefined;
  }

  private launch(options: CollectorOptions): Collector {
    if (this.collector) return this.collector;
    if (!this.app.observers.includes(this.appMetrics.observe))
      this.app.observers.push(this.appMetrics.observe);
    const settings = () => this.settings();
    const notifier = new AlertNotifier({
      store: this.app.store.alerts,
      live: this.live,
      desktop: options.desktop ?? this.desktop,
      settings,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.collector = new Collector({
      gate: this.app.gate,
      profiles: () => this.app.profiles.list(),
      profile: (id) => this.app.store.profiles.get(id),
      history: this.app.history,
      store: this.app.store,
      live: this.live,
      appMetrics: this.appMetrics,
      notifier,
      settings,
      alerts: () => this.feature("alerts"),
      redactor: this.app.store.keyRedactor,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.collector.start();
    return this.collector;
  }

  /** Stops the collector for good (the studio is closing). */
  async stopCollector(): Promise<void> {
    this.wanted = undefined;
    if (this.featureTimer) clearInterval(this.featureTimer);
    this.featureTimer = undefined;
    await this.halt();
    // A collector the metrics switch stopped may still be writing its last rollups.
    await Promise.allSettled([...this.halting]);
  }

  private readonly halting = new Set<Promise<void>>();

  private async halt(): Promise<void> {
    const c = this.collector;
    this.collector = undefined;
    const i = this.app.observers.indexOf(this.appMetrics.observe);
    if (i >= 0) this.app.observers.splice(i, 1);
    if (!c) return;
    const stopped = c.stop().finally(() => this.halting.delete(stopped));
    this.halting.add(stopped);
    await stopped;
  }

  /** The collector's per-poll points of a profile (the last hour), for live sparklines. */
  livePoints(profileId: string): MetricPoint[] {
    return this.collector?.points(profileId) ?? [];
  }

  // ---- settings -------------------------------------------------------------------------------

  settings(): ObservabilitySettings {
    this.cachedSettings ??= this.app.store.observability.get();
    return this.cachedSettings;
  }

  updateSettings(input: ObservabilitySettingsInput): ObservabilitySettings {
    this.cachedSettings = this.app.store.observability.update(input);
    this.live.publish({ type: "settings", settings: this.cachedSettings });
    return this.cachedSettings;
  }

  /** The per-profile switch: a profile that is not watched is not polled. */
  setWatched(ref: string, watched: boolean): HealthCard {
    const p = this.app.profiles.resolve(ref);
    this.app.store.observability.setWatched(p.id, watched);
    this.collector?.refresh();
    return this.healthCards().find((c) => c.profileId === p.id) ?? unwatchedCard(p, watched);
  }

  // ---- health ---------------------------------------------------------------------------------

  /** What the collector knows now; without a running collector, every profile is "unknown". */
  healthCards(): HealthCard[] {
    if (this.collector) return this.collector.cards();
    const unwatched = this.app.store.observability.unwatched();
    return this.app.profiles.list().map((p) => {
      const c = unwatchedCard(p, !unwatched.has(p.id));
      c.reasons = [
        this.wanted && !this.feature("metrics")
          ? "metrics collection is turned off in Settings (Features): no live health"
          : "the studio is not running: no live health",
      ];
      return c;
    });
  }

  /**
   * One-shot health for `cachify health`: PING and stats once per profile through the gate (audited
   * as CLI reads), assessed like the collector does. No counter deltas (one reading only).
   */
  async probe(refs?: string[], origin: "cli" | "api" = "cli"): Promise<HealthCard[]> {
    const profiles = refs?.length
      ? refs.map((r) => this.app.profiles.resolve(r))
      : this.app.profiles.list();
    const states = this.app.store.alerts.listStates();
    const thresholds = this.settings().health;
    return Promise.all(
      profiles.map(async (p) => {
        let ping: HealthInput["ping"];
        const card = unwatchedCard(p, true);
        card.reasons = [];
        try {
          const r = await this.app.gate.run(p, { kind: "ping" }, { origin });
          ping = { ok: true, ms: r.latencyMs };
        } catch (e) {
          ping = { ok: false, error: toCachifyError(e).message };
        }
        const input: HealthInput = { ping, thresholds };
        if (ping.ok) {
          try {
            const reading = readEngine(await this.app.gate.run(p, { kind: "stats" }, { origin }));
            // One reading only: no counter deltas (refused connections since... nothing).
            input.reading = reading;
            if (reading.version) card.version = reading.version;
            if (reading.role) card.role = reading.role;
          } catch (e) {
            input.statsError = toCachifyError(e).message;
          }
        }
        const assessed = assessHealth(input);
        const now = Date.now();
        card.health = assessed.health;
        card.reasons = assessed.reasons;
        card.up = assessed.health !== "down";
        card.lastPollAt = now;
        if (ping.ok) card.pingMs = Math.round(ping.ms * 1000) / 1000;
        const values = pollValues({
          ts: now,
          health: assessed.health,
          reasons: assessed.reasons,
          ...(ping.ok ? { pingMs: ping.ms } : {}),
          ...(input.reading ? { reading: input.reading } : {}),
        });
        card.metrics = values;
        for (const s of states) {
          if (s.profileId !== p.id) continue;
          if (s.state === "firing") card.alerts.firing++;
          if (s.state === "pending") card.alerts.pending++;
        }
        return card;
      }),
    );
  }

  // ---- trends ---------------------------------------------------------------------------------

  resolveRange(q: RangeQuery, now: number = Date.now()): ResolvedRange {
    let from: number;
    let to: number;
    if (q.from !== undefined) {
      from = q.from;
      to = q.to ?? now;
    } else {
      to = q.to ?? now;
      from = to - parseDurationText(q.range ?? "1h", "range");
    }
    if (!(from < to)) throw badInput("The range must end after it starts (from < to).");
    const stepMs = q.stepMs ?? chooseStep(to - from);
    if (!Number.isInteger(stepMs) || stepMs < MINUTE_MS)
      throw badInput("step must be at least 60000 ms (rollups are per minute).");
    return { from, to, stepMs };
  }

  profileIds(refs: string[] | undefined): string[] | undefined {
    return refs?.length ? refs.map((r) => this.app.profiles.resolve(r).id) : undefined;
  }

  series(q: RangeQuery & { metrics?: string[]; profiles?: string[] }): {
    range: ResolvedRange;
    timestamps: number[];
    series: Series[];
  } {
    const range = this.resolveRange(q);
    const metrics = (q.metrics?.length ? q.metrics : DASHBOARD_METRICS).map((m) => {
      if (!isMetricName(m)) throw badInput(`Unknown metric "${m}".`);
      return m;
    });
    const profileIds = this.profileIds(q.profiles);
    return {
      range,
      ...this.app.store.metrics.series({
        metrics,
        ...(profileIds ? { profileIds } : {}),
        ...range,
      }),
    };
  }

  /** Errors per connection × environment × time: the app's, the engine's, and polls that found it down. */
  heatmap(q: RangeQuery): {
    range: ResolvedRange;
    rows: { profileId: string; profileName: string; environment: string; total: number }[];
    cells: HeatmapCell[];
    environments: { environment: string; cells: [number, number][] }[];
  } {
    const range = this.resolveRange(q);
    const cells = this.app.store.metrics.heatmap(range.from, range.to, range.stepMs);
    const names = new Map(this.app.profiles.list().map((p) => [p.id, p.name]));
    const rows = new Map<
      string,
      { profileId: string; profileName: string; environment: string; total: number }
    >();
    const envs = new Map<string, Map<number, number>>();
    for (const c of cells) {
      const total = c.app + c.engine + c.down;
      const key = `${c.environment}\0${c.profileId}`;
      const row = rows.get(key) ?? {
        profileId: c.profileId,
        profileName: names.get(c.profileId) ?? "(removed profile)",
        environment: c.environment,
        total: 0,
      };
      row.total += total;
      rows.set(key, row);
      const env = envs.get(c.environment) ?? new Map<number, number>();
      env.set(c.ts, (env.get(c.ts) ?? 0) + total);
      envs.set(c.environment, env);
    }
    return {
      range,
      rows: [...rows.values()],
      cells,
      environments: [...envs].map(([environment, m]) => ({
        environment,
        cells: [...m].sort((a, b) => a[0] - b[0]),
      })),
    };
  }

  /** The slowest operations of this studio (audit events) and of the engine (SLOWLOG). */
  slowOperations(q: RangeQuery & { profiles?: string[]; limit?: number }): {
    range: ResolvedRange;
    app: HistoryEvent[];
    engine: HistoryEvent[];
  } {
    const range = this.resolveRange(q);
    const profileIds = this.profileIds(q.profiles);
    const base = {
      from: range.from,
      to: range.to,
      limit: q.limit ?? 20,
      ...(profileIds ? { profileIds } : {}),
    };
    return {
      range,
      app: this.app.store.timeline.slowest({ source: "app", ...base }),
      engine: this.app.store.timeline.slowest({ source: "slowlog", ...base }),
    };
  }

  /** App operations per kind over the range: counts, errors, latency percentiles. */
  operations(q: RangeQuery & { profiles?: string[] }): {
    range: ResolvedRange;
    kinds: (KindStats & { kind: string })[];
  } {
    const range = this.resolveRange(q);
    const totals = this.app.store.metrics.kindTotals(
      range.from,
      range.to,
      this.profileIds(q.profiles),
    );
    return {
      range,
      kinds: Object.entries(totals)
        .map(([kind, s]) => ({ kind, ...s }))
        .sort((a, b) => b.ops - a.ops),
    };
  }

  /** Everything the dashboard shows first, in one answer. */
  dashboard(q: RangeQuery & { profiles?: string[] }) {
    const series = this.series({ ...q });
    const range = series.range;
    const fixed = { from: range.from, to: range.to, stepMs: range.stepMs };
    return {
      range,
      health: this.healthCards(),
      timestamps: series.timestamps,
      series: series.series,
      heatmap: this.heatmap(fixed),
      slow: this.slowOperations({
        ...fixed,
        limit: 10,
        ...(q.profiles ? { profiles: q.profiles } : {}),
      }),
      operations: this.operations({ ...fixed, ...(q.profiles ? { profiles: q.profiles } : {}) })
        .kinds,
      alerts: this.collector?.alertStates() ?? this.app.store.alerts.listStates(),
      unreadNotifications: this.app.store.alerts.unreadCount(),
    };
  }

  // ---- timeline -------------------------------------------------------------------------------

  /** A page of the unified timeline, newest first, with the id to pass for the next page. */
  timeline(query: HistoryQuery): TimelinePage {
    const limit = query.limit ?? 100;
    const events = this.app.history.list({ ...query, limit });
    const page: TimelinePage = { events };
    if (events.length === limit) page.nextBeforeId = events.at(-1)!.id;
    return page;
  }

  // ---- alerts ---------------------------------------------------------------------------------

  listRules(): AlertRuleView[] {
    const states = this.collector?.alertStates() ?? this.app.store.alerts.listStates();
    const names = new Map(this.app.profiles.list().map((p) => [p.id, p.name]));
    return this.app.store.alerts.listRules().map((r) => ({
      ...r,
      states: states
        .filter((s) => s.ruleId === r.id)
        .map((s) => ({
          ...s,
          ...(names.has(s.profileId) ? { profileName: names.get(s.profileId)! } : {}),
        })),
    }));
  }

  resolveRule(ref: string): AlertRule {
    const rule = this.app.store.alerts.getRule(ref) ?? this.app.store.alerts.getRuleByName(ref);
    if (!rule) {
      const names = this.app.store.alerts.listRules().map((r) => r.name);
      throw notFound(
        `No alert rule named "${ref}". ${names.length ? `Rules: ${names.join(", ")}.` : "Add one with: cachify alert add NAME --metric up --op '<' --threshold 1"}`,
      );
    }
    return rule;
  }

  addRule(input: AlertRuleInput): AlertRule {
    const rule = buildAlertRule(this.scopeIds(input), undefined, newId("alr"), Date.now());
    this.app.store.alerts.saveRule(rule);
    this.collector?.reloadRules();
    return rule;
  }

  updateRule(ref: string, input: AlertRuleInput): AlertRule {
    const current = this.resolveRule(ref);
    const rule = buildAlertRule(this.scopeIds(input), current, current.id, Date.now());
    this.app.store.alerts.saveRule(rule);
    this.collector?.reloadRules();
    return rule;
  }

  removeRule(ref: string): AlertRule {
    const rule = this.resolveRule(ref);
    this.app.store.alerts.removeRule(rule.id);
    this.collector?.reloadRules();
    return rule;
  }

  /** Profile names in a rule's scope become ids (a rule survives a rename). */
  private scopeIds(input: AlertRuleInput): AlertRuleInput {
    if (!input.scope?.profiles) return input;
    const profiles = input.scope.profiles.map((r) => this.app.profiles.resolve(r).id);
    return { ...input, scope: { ...input.scope, profiles } };
  }

  // ---- notifications --------------------------------------------------------------------------

  notifications(q: { limit?: number; unreadOnly?: boolean } = {}): {
    notifications: StoredNotification[];
    unread: number;
  } {
    return {
      notifications: this.app.store.alerts.notifications(q),
      unread: this.app.store.alerts.unreadCount(),
    };
  }

  markRead(ids: string[] | "all"): { marked: number; unread: number } {
    const marked = this.app.store.alerts.markRead(ids);
    const unread = this.app.store.alerts.unreadCount();
    this.live.publish({ type: "notifications", unread });
    return { marked, unread };
  }

  /** The profile a card or rule names, for messages. */
  profile(ref: string): ConnectionProfile {
    return this.app.profiles.resolve(ref);
  }
}
