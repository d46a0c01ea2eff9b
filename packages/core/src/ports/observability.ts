import type { HistoryEvent, HistorySource, Severity } from "../history/event.ts";
import type { AlertRule, AlertState } from "../observability/alerts.ts";
import type { KindStats, MetricName } from "../observability/metrics.ts";
import type { Rollup } from "../observability/rollup.ts";
import type {
  ObservabilitySettings,
  ObservabilitySettingsInput,
} from "../observability/settings.ts";
import type { Environment } from "../profiles/profile.ts";

/**
 * What observability keeps: metric rollups, alert rules with their state and the notification
 * centre, the collector's settings, and the reads of the timeline it adds to the history port.
 * The store implements these; the application depends on them only.
 */

/** A notification as the notification centre keeps it (never a key's value). */
export interface StoredNotification {
  id: string;
  ts: number;
  /** One per episode and notice: a second insert with the same key is ignored. */
  dedupeKey: string;
  ruleId?: string;
  profileId?: string;
  kind: "firing" | "repeat" | "resolved";
  severity: Severity;
  title: string;
  body: string;
  readAt?: number;
}

export interface SeriesQuery {
  metrics: MetricName[];
  /** Only these profiles (default: every profile with data). */
  profileIds?: string[];
  from: number;
  to: number;
  stepMs: number;
}

export interface Series {
  profileId: string;
  metric: MetricName;
  /** One value per bucket of `SeriesResult.timestamps`; null where there is no data. */
  values: (number | null)[];
}

export interface SeriesResult {
  /** The start of every bucket of the range, oldest first (shared by every series). */
  timestamps: number[];
  series: Series[];
}

export interface HeatmapCell {
  profileId: string;
  environment: Environment;
  ts: number;
  app: number;
  engine: number;
  down: number;
}

/** Metric rollups per profile and minute (compacted by the store for long ranges). */
export interface MetricRepository {
  writeMinutes(rows: readonly Rollup[]): void;
  series(q: SeriesQuery): SeriesResult;
  /** Errors per profile and bucket: the app's, the engine's, and polls that found it down. */
  heatmap(from: number, to: number, stepMs: number): HeatmapCell[];
  kindTotals(from: number, to: number, profileIds?: string[]): Record<string, KindStats>;
  /** Deletes rollups older than `olderThanMs` before `now`; answers how many went. */
  prune(olderThanMs: number, now?: number): number;
}

/** Alert rules, their state per profile, and the notification centre. */
export interface AlertRepository {
  listRules(): AlertRule[];
  getRule(id: string): AlertRule | undefined;
  getRuleByName(name: string): AlertRule | undefined;
  saveRule(rule: AlertRule): void;
  removeRule(id: string): boolean;
  listStates(): AlertState[];
  saveStates(states: readonly AlertState[]): void;
  /** False when a notification with the same dedupe key is already kept. */
  addNotification(n: StoredNotification): boolean;
  notifications(query?: { limit?: number; unreadOnly?: boolean }): StoredNotification[];
  unreadCount(): number;
  markRead(ids: string[] | "all", now?: number): number;
  pruneNotifications(olderThanMs: number, now?: number): number;
}

/** The collector's settings and the per-profile "watch" switch. */
export interface ObservabilitySettingsRepository {
  get(): ObservabilitySettings;
  update(input: ObservabilitySettingsInput): ObservabilitySettings;
  setWatched(profileId: string, watched: boolean): void;
  /** The profiles switched off (every other profile is watched). */
  unwatched(): Set<string>;
}

export interface SlowestQuery {
  source: Extract<HistorySource, "app" | "slowlog" | "latency">;
  from: number;
  to: number;
  limit?: number;
  profileIds?: string[];
}

/** Reads of the timeline beyond the history port's list. */
export interface TimelineQueries {
  /** Whether an engine event with this dedupe key was already recorded. */
  hasDedupeKey(key: string): boolean;
  slowest(q: SlowestQuery): HistoryEvent[];
}

/** Retention of the timeline (history) events. */
export interface HistoryRetention {
  prune(olderThanMs: number, now?: number): number;
}
