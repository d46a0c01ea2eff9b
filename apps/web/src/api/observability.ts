import type {
  AlertOp,
  AlertReduce,
  AlertRule,
  AlertState,
  Environment,
  HealthCard,
  HeatmapCell,
  HistoryEvent,
  HistorySource,
  KindStats,
  MetricName,
  ObservabilitySettings,
  Series,
  SeriesResult,
  Severity,
  StoredNotification,
} from "@cachify/core";
import { request } from "./client.ts";

export type {
  AlertOp,
  AlertReduce,
  AlertRule,
  AlertState,
  AlertStateName,
  HealthCard,
  HistorySource,
  KindStats,
  MetricName,
  MetricValues,
  ObservabilitySettings,
  Severity,
} from "@cachify/core";

/** The dashboard's range selector: each ends now (docs/api.md, Observability). */
export type RangeName = "15m" | "1h" | "24h" | "7d" | "30d";
export const RANGES: readonly RangeName[] = ["15m", "1h", "24h", "7d", "30d"];
export const RANGE_MS: Record<RangeName, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 24 * 3_600_000,
  "30d": 30 * 24 * 3_600_000,
};
export const RANGE_LABEL: Record<RangeName, string> = {
  "15m": "15 min",
  "1h": "1 hour",
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
};

export interface ResolvedRange {
  from: number;
  to: number;
  stepMs: number;
}

export type { HeatmapCell, Series };

export interface SeriesAnswer extends SeriesResult {
  range: ResolvedRange;
}

export interface HeatmapAnswer {
  range: ResolvedRange;
  rows: { profileId: string; profileName: string; environment: Environment; total: number }[];
  cells: HeatmapCell[];
  environments: { environment: Environment; cells: [number, number][] }[];
}

export interface DashboardAnswer {
  range: ResolvedRange;
  health: HealthCard[];
  timestamps: number[];
  series: Series[];
  heatmap: HeatmapAnswer;
  slow: { range: ResolvedRange; app: HistoryEvent[]; engine: HistoryEvent[] };
  operations: (KindStats & { kind: string })[];
  alerts: AlertState[];
  unreadNotifications: number;
}

export interface MetricInfo {
  name: MetricName;
  kind: "gauge" | "count";
  unit: string;
  source: "engine" | "app";
  help: string;
}

export interface TimelineFilters {
  profiles?: string[];
  environments?: Environment[];
  sources?: HistorySource[];
  severities?: Severity[];
  since?: number;
  until?: number;
  q?: string;
  limit?: number;
}

export interface TimelinePage {
  events: HistoryEvent[];
  nextBeforeId?: string;
}

export interface AlertRuleView extends AlertRule {
  states: (AlertState & { profileName?: string })[];
}

/** What the rule form sends (POST /api/alerts, PUT /api/alerts/:id). */
export interface AlertRuleInput {
  name?: string;
  enabled?: boolean;
  severity?: Severity;
  scope?: { profiles?: string[]; environments?: Environment[] };
  metric?: string;
  reduce?: AlertReduce;
  windowMs?: number;
  op?: AlertOp;
  threshold?: number;
  forMs?: number;
  repeatIntervalMs?: number;
  notify?: { inApp?: boolean; desktop?: boolean };
  sendResolved?: boolean;
}

/** A stored in-app notification: the rule, the profile, the metric and a number; never a value. */
export type AppNotification = Omit<StoredNotification, "dedupeKey">;

export interface SettingsInput {
  pollIntervalMs?: number;
  eventsIntervalMs?: number;
  metricsRetentionDays?: number;
  timelineRetentionDays?: number;
  notifications?: { inApp?: boolean; desktop?: boolean; workflows?: boolean };
  health?: { slowPingMs?: number; memoryRatio?: number; connectionsRatio?: number };
}

const enc = encodeURIComponent;
const list = (xs: readonly string[] | undefined) => (xs?.length ? xs.join(",") : undefined);

/** The observability routes (docs/api.md, "Observability: health, trends, timeline, alerts"). */
export const obsApi = {
  health: (signal?: AbortSignal) =>
    request<{ running: boolean; profiles: HealthCard[] }>("GET", "/api/observability/health", {
      signal,
    }),

  dashboard: (range: RangeName, profileId: string | undefined, signal?: AbortSignal) =>
    request<DashboardAnswer>("GET", "/api/observability/dashboard", {
      query: { range, profiles: profileId },
      signal,
    }),

  series: (
    range: RangeName,
    metrics: readonly MetricName[],
    profileId: string | undefined,
    signal?: AbortSignal,
  ) =>
    request<SeriesAnswer>("GET", "/api/observability/series", {
      query: { range, metrics: list(metrics), profiles: profileId },
      signal,
    }),

  metrics: (signal?: AbortSignal) =>
    request<{ metrics: MetricInfo[] }>("GET", "/api/observability/metrics", { signal }),

  settings: (signal?: AbortSignal) =>
    request<ObservabilitySettings>("GET", "/api/observability/settings", { signal }),

  updateSettings: (input: SettingsInput) =>
    request<ObservabilitySettings>("PUT", "/api/observability/settings", { body: input }),

  setWatched: (profileId: string, watched: boolean) =>
    request<HealthCard>("PUT", `/api/observability/profiles/${enc(profileId)}`, {
      body: { watched },
    }),

  timeline: (f: TimelineFilters, beforeId: string | undefined, signal?: AbortSignal) =>
    request<TimelinePage>("GET", "/api/timeline", {
      query: {
        profiles: list(f.profiles),
        environments: list(f.environments),
        sources: list(f.sources),
        severities: list(f.severities),
        since: f.since,
        until: f.until,
        q: f.q,
        limit: f.limit,
        beforeId,
      },
      signal,
    }),

  alerts: (signal?: AbortSignal) =>
    request<{ rules: AlertRuleView[] }>("GET", "/api/alerts", { signal }),

  createAlert: (input: AlertRuleInput) =>
    request<AlertRule>("POST", "/api/alerts", { body: input }),

  updateAlert: (id: string, input: AlertRuleInput) =>
    request<AlertRule>("PUT", `/api/alerts/${enc(id)}`, { body: input }),

  deleteAlert: (id: string) => request<{ removed: true }>("DELETE", `/api/alerts/${enc(id)}`),

  notifications: (limit: number, signal?: AbortSignal) =>
    request<{ notifications: AppNotification[]; unread: number }>("GET", "/api/notifications", {
      query: { limit },
      signal,
    }),

  markRead: (what: { ids: string[] } | { all: true }) =>
    request<{ marked: number; unread: number }>("POST", "/api/notifications/read", {
      body: what,
    }),
};
