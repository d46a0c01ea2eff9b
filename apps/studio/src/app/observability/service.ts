import type {
  AlertRepository,
  AlertRule,
  AlertRuleInput,
  Capabilities,
  ConnectionProfile,
  FeatureName,
  HealthCard,
  HistoryEvent,
  HistoryQuery,
  HistoryRetention,
  KeyRedactor,
  MetricPoint,
  MetricRepository,
  ObservabilitySettings,
  ObservabilitySettingsInput,
  ObservabilitySettingsRepository,
  OperationGate,
  OperationSample,
  ProfileRepository,
  TimelineQueries,
} from "@cachify/core";
import { AlertRules } from "./alert-rules.ts";
import { AppMetrics } from "./app-metrics.ts";
import { Collector } from "./collector.ts";
import { LiveBus } from "./live-bus.ts";
import { NotificationCentre } from "./notification-centre.ts";
import { AlertNotifier, CommandDesktopNotifier, type DesktopNotifier } from "./notifier.ts";
import { probeHealth } from "./probe.ts";
import { ObservabilityQueries, type ProfileLookup, type RangeQuery } from "./queries.ts";
import { unwatchedCard } from "./watch.ts";

export type { AlertRuleView } from "./alert-rules.ts";
export {
  DASHBOARD_METRICS,
  type RangeQuery,
  type ResolvedRange,
  type TimelinePage,
} from "./queries.ts";

/** The repositories observability reads and writes (ports the store implements). */
export interface ObservabilityRepositories {
  metrics: MetricRepository;
  alerts: AlertRepository;
  /** The collector's settings and the per-profile watch switch. */
  observability: ObservabilitySettingsRepository;
  timeline: TimelineQueries;
  /** Retention of timeline events. */
  history: HistoryRetention;
  /** One profile as stored now (read at each poll). */
  profiles: Pick<ProfileRepository, "get">;
  /** Redaction rules for key names in engine events. */
  keyRedactor?: KeyRedactor;
}

/** What the service needs (the composition root hands these over). */
export interface ObservabilityDeps {
  store: ObservabilityRepositories;
  /** The profiles by name or id, and what each one's engine can do. */
  profiles: ProfileLookup & { capabilities(p: ConnectionProfile): Capabilities };
  gate: Pick<OperationGate, "run">;
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

/**
 * Observability for the API and the CLI: health cards and the collector's lifecycle here; the
 * stored trends and timeline (queries.ts), alert rules (alert-rules.ts) and the notification
 * centre (notification-centre.ts) behind it. The collector runs only when the studio starts it
 * (`startCollector`); short CLI commands read what is stored, or probe once.
 */
export class ObservabilityService {
  readonly live: LiveBus;
  readonly appMetrics = new AppMetrics();
  readonly desktop: DesktopNotifier;
  readonly queries: ObservabilityQueries;
  readonly rules: AlertRules;
  readonly notificationCentre: NotificationCentre;
  private collector: Collector | undefined;
  private cachedSettings: ObservabilitySettings | undefined;
  /** Set while the studio wants a collector (it runs only while the metrics switch is on). */
  private wanted: CollectorOptions | undefined;
  private featureTimer: NodeJS.Timeout | undefined;
  private readonly halting = new Set<Promise<void>>();

  constructor(
    private readonly deps: ObservabilityDeps,
    live: LiveBus = new LiveBus(),
    desktop: DesktopNotifier = new CommandDesktopNotifier(),
  ) {
    this.live = live;
    this.desktop = desktop;
    const { store, profiles } = deps;
    this.queries = new ObservabilityQueries({ ...store, history: deps.history, profiles });
    this.rules = new AlertRules({
      alerts: store.alerts,
      profiles,
      states: () => this.alertStates(),
      changed: () => this.collector?.reloadRules(),
    });
    this.notificationCentre = new NotificationCentre({ alerts: store.alerts, live });
    deps.features?.onChange(() => this.applyFeatures());
  }

  private feature(name: FeatureName): boolean {
    return this.deps.features?.enabled(name) ?? true;
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
    if (!this.featureTimer && this.deps.features) {
      // A switch changed by another process (the CLI) is noticed here even when nothing else runs.
      this.featureTimer = setInterval(
        () => this.deps.features?.enabled("metrics"),
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
    const { store, profiles, observers } = this.deps;
    if (!observers.includes(this.appMetrics.observe)) observers.push(this.appMetrics.observe);
    const settings = () => this.settings();
    const clock = options.clock ? { clock: options.clock } : {};
    const notifier = new AlertNotifier({
      store: store.alerts,
      live: this.live,
      desktop: options.desktop ?? this.desktop,
      settings,
      ...clock,
    });
    this.collector = new Collector({
      gate: this.deps.gate,
      profiles: () => profiles.list(),
      profile: (id) => store.profiles.get(id),
      capabilities: (p) => profiles.capabilities(p),
      history: this.deps.history,
      metrics: store.metrics,
      alertStore: store.alerts,
      watching: store.observability,
      timeline: store.timeline,
      historyRetention: store.history,
      live: this.live,
      appMetrics: this.appMetrics,
      notifier,
      settings,
      alerts: () => this.feature("alerts"),
      redactor: store.keyRedactor,
      ...clock,
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

  private async halt(): Promise<void> {
    const c = this.collector;
    this.collector = undefined;
    const i = this.deps.observers.indexOf(this.appMetrics.observe);
    if (i >= 0) this.deps.observers.splice(i, 1);
    if (!c) return;
    const stopped = c.stop().finally(() => this.halting.delete(stopped));
    this.halting.add(stopped);
    await stopped;
  }

  /** The collector's per-poll points of a profile (the last hour), for live sparklines. */
  livePoints(profileId: string): MetricPoint[] {
    return this.collector?.points(profileId) ?? [];
  }

  /** The alert states now: the running collector's, else the ones it last stored. */
  private alertStates() {
    return this.collector?.alertStates() ?? this.deps.store.alerts.listStates();
  }

  // ---- settings -------------------------------------------------------------------------------

  settings(): ObservabilitySettings {
    this.cachedSettings ??= this.deps.store.observability.get();
    return this.cachedSettings;
  }

  updateSettings(input: ObservabilitySettingsInput): ObservabilitySettings {
    this.cachedSettings = this.deps.store.observability.update(input);
    this.live.publish({ type: "settings", settings: this.cachedSettings });
    return this.cachedSettings;
  }

  /** The per-profile switch: a profile that is not watched is not polled. */
  setWatched(ref: string, watched: boolean): HealthCard {
    const p = this.deps.profiles.resolve(ref);
    this.deps.store.observability.setWatched(p.id, watched);
    this.collector?.refresh();
    return this.healthCards().find((c) => c.profileId === p.id) ?? unwatchedCard(p, watched);
  }

  // ---- health ---------------------------------------------------------------------------------

  /** What the collector knows now; without a running collector, every profile is "unknown". */
  healthCards(): HealthCard[] {
    if (this.collector) return this.collector.cards();
    const unwatched = this.deps.store.observability.unwatched();
    return this.deps.profiles.list().map((p) => {
      const c = unwatchedCard(p, !unwatched.has(p.id));
      c.reasons = [
        this.wanted && !this.feature("metrics")
          ? "metrics collection is turned off in Settings (Features): no live health"
          : "the studio is not running: no live health",
      ];
      return c;
    });
  }

  /** One-shot health for `cachify health` (see probe.ts). */
  probe(refs?: string[], origin: "cli" | "api" = "cli"): Promise<HealthCard[]> {
    const profiles = refs?.length
      ? refs.map((r) => this.deps.profiles.resolve(r))
      : this.deps.profiles.list();
    const states = this.deps.store.alerts.listStates();
    return probeHealth(this.deps.gate, profiles, states, this.settings().health, origin);
  }

  /** Everything the dashboard shows first, in one answer. */
  dashboard(q: RangeQuery & { profiles?: string[] }) {
    const series = this.queries.series({ ...q });
    const range = series.range;
    const fixed = { from: range.from, to: range.to, stepMs: range.stepMs };
    const profiles = q.profiles ? { profiles: q.profiles } : {};
    return {
      range,
      health: this.healthCards(),
      timestamps: series.timestamps,
      series: series.series,
      heatmap: this.queries.heatmap(fixed),
      slow: this.queries.slowOperations({ ...fixed, limit: 10, ...profiles }),
      operations: this.queries.operations({ ...fixed, ...profiles }).kinds,
      alerts: this.alertStates(),
      unreadNotifications: this.notificationCentre.unread(),
    };
  }

  // ---- what is stored (queries.ts, alert-rules.ts, notification-centre.ts) --------------------

  resolveRange = (q: RangeQuery, now?: number) => this.queries.resolveRange(q, now);
  profileIds = (refs: string[] | undefined) => this.queries.profileIds(refs);
  series: ObservabilityQueries["series"] = (q) => this.queries.series(q);
  heatmap: ObservabilityQueries["heatmap"] = (q) => this.queries.heatmap(q);
  slowOperations: ObservabilityQueries["slowOperations"] = (q) => this.queries.slowOperations(q);
  operations: ObservabilityQueries["operations"] = (q) => this.queries.operations(q);
  timeline: ObservabilityQueries["timeline"] = (q) => this.queries.timeline(q);
  listRules: AlertRules["list"] = () => this.rules.list();
  resolveRule = (ref: string): AlertRule => this.rules.resolve(ref);
  addRule = (input: AlertRuleInput): AlertRule => this.rules.add(input);
  updateRule = (ref: string, input: AlertRuleInput): AlertRule => this.rules.update(ref, input);
  removeRule = (ref: string): AlertRule => this.rules.remove(ref);
  notifications: NotificationCentre["list"] = (q) => this.notificationCentre.list(q);
  markRead: NotificationCentre["markRead"] = (ids) => this.notificationCentre.markRead(ids);

  /** The profile a card or rule names, for messages. */
  profile(ref: string): ConnectionProfile {
    return this.deps.profiles.resolve(ref);
  }
}
