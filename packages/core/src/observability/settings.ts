import { badInput } from "../common/errors.ts";
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from "./health.ts";
import { HOUR_MS, MINUTE_MS } from "./rollup.ts";

/** The collector's and the notifier's settings (the Settings screen, `PUT /api/observability/settings`). */
export interface ObservabilitySettings {
  /** How often each watched profile is polled (PING + INFO/stats). */
  pollIntervalMs: number;
  /** How often SLOWLOG and LATENCY are read (Redis). */
  eventsIntervalMs: number;
  /** Metric rollups older than this are deleted. */
  metricsRetentionDays: number;
  /** Timeline events (history) and stored notifications older than this are deleted. */
  timelineRetentionDays: number;
  /**
   * inApp and desktop: alert notices. workflows: a desktop notice when a workflow execution ends
   * (finished, failed, aborted, cancelled) while no studio window is open, or after a long run.
   */
  notifications: { inApp: boolean; desktop: boolean; workflows: boolean };
  health: HealthThresholds;
}

export const DEFAULT_OBSERVABILITY_SETTINGS: ObservabilitySettings = {
  pollIntervalMs: 1000,
  eventsIntervalMs: 5000,
  metricsRetentionDays: 30,
  timelineRetentionDays: 30,
  notifications: { inApp: true, desktop: true, workflows: true },
  health: DEFAULT_HEALTH_THRESHOLDS,
};

export type ObservabilitySettingsInput = Partial<
  Omit<ObservabilitySettings, "notifications" | "health">
> & {
  notifications?: Partial<ObservabilitySettings["notifications"]>;
  health?: Partial<HealthThresholds>;
};

/** Settings over the current ones, each field checked. */
export function mergeSettings(
  current: ObservabilitySettings,
  input: ObservabilitySettingsInput,
): ObservabilitySettings {
  const next: ObservabilitySettings = {
    pollIntervalMs: input.pollIntervalMs ?? current.pollIntervalMs,
    eventsIntervalMs: input.eventsIntervalMs ?? current.eventsIntervalMs,
    metricsRetentionDays: input.metricsRetentionDays ?? current.metricsRetentionDays,
    timelineRetentionDays: input.timelineRetentionDays ?? current.timelineRetentionDays,
    notifications: { ...current.notifications, ...stripUndefined(input.notifications ?? {}) },
    health: { ...current.health, ...stripUndefined(input.health ?? {}) },
  };
  whole(next.pollIntervalMs, 100, 10 * MINUTE_MS, "pollIntervalMs");
  whole(next.eventsIntervalMs, 100, HOUR_MS, "eventsIntervalMs");
  whole(next.metricsRetentionDays, 1, 3650, "metricsRetentionDays");
  whole(next.timelineRetentionDays, 1, 3650, "timelineRetentionDays");
  for (const k of ["inApp", "desktop", "workflows"] as const) {
    if (typeof next.notifications[k] !== "boolean")
      throw badInput(`notifications.${k} must be true or false.`, {
        param: `notifications.${k}`,
      });
  }
  positive(next.health.slowPingMs, "health.slowPingMs");
  ratio(next.health.memoryRatio, "health.memoryRatio");
  ratio(next.health.connectionsRatio, "health.connectionsRatio");
  return next;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function whole(v: unknown, min: number, max: number, field: string): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw badInput(`${field} must be a whole number from ${min} to ${max}.`, { param: field });
}

function positive(v: unknown, field: string): void {
  if (typeof v !== "number" || !(v > 0))
    throw badInput(`${field} must be a positive number.`, { param: field });
}

function ratio(v: unknown, field: string): void {
  if (typeof v !== "number" || !(v > 0 && v <= 1))
    throw badInput(`${field} must be a number above 0 and at most 1.`, { param: field });
}

const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE_MS, h: HOUR_MS, d: 24 * HOUR_MS };

/** "15m", "24h", "30d": a duration in ms (the dashboard's range selector, CLI flags). */
export function parseDurationText(text: string, field = "duration"): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m)
    throw badInput(
      `${field} "${text}" is not a duration: use a number and ms, s, m, h or d (e.g. 30s, 15m, 24h, 30d).`,
      { param: field },
    );
  return m[2] === "ms" ? Number(m[1]) : Number(m[1]) * UNIT_MS[m[2]!]!;
}

const STEPS = [
  MINUTE_MS,
  5 * MINUTE_MS,
  15 * MINUTE_MS,
  HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  24 * HOUR_MS,
];

/**
 * The bucket width of a chart over `rangeMs`: the smallest whole step that keeps it at or under
 * `maxPoints` points. Steps of an hour and more read the hourly rollups.
 */
export function chooseStep(rangeMs: number, maxPoints = 360): number {
  for (const s of STEPS) if (rangeMs / s <= maxPoints) return s;
  return STEPS.at(-1)!;
}
