import {
  type AlertRepository,
  type ConnectionProfile,
  type HistoryRetention,
  type MetricRepository,
  minuteOf,
  type ObservabilitySettings,
  type Rollup,
  RollupBuilder,
} from "@cachify/core";
import type { AppMetrics } from "./app-metrics.ts";
import type { Watch } from "./watch.ts";

export interface RollupDeps {
  metrics: Pick<MetricRepository, "writeMinutes" | "prune">;
  alerts: Pick<AlertRepository, "pruneNotifications">;
  history: HistoryRetention;
  appMetrics: AppMetrics;
  settings: () => ObservabilitySettings;
  profiles: () => ConnectionProfile[];
  clock: () => number;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Metric rollups (one per profile and minute, the app's operations merged in) written to the
 * store, and retention: rollups, timeline events and notifications older than their windows go.
 */
export class RollupWriter {
  private readonly appOnlyBuckets = new Map<string, number>();
  private pending: Rollup[] = [];
  private lastPruneAt = 0;

  constructor(private readonly deps: RollupDeps) {}

  /** Closes a watched profile's current minute (its rollup and the app's operations). */
  finish(w: Watch): void {
    const app = this.deps.appMetrics.drainMinute(w.profile.id);
    if (w.rollup.empty && !app) return;
    this.pending.push(w.rollup.finish(w.rollupBucket, app));
  }

  /**
   * App metrics of the profiles that are not polled (switched off): rollups of their operations
   * only, each closed when its minute is over (`force`: now).
   */
  finishAppOnly(watched: (profileId: string) => boolean, force: boolean): void {
    for (const id of this.deps.appMetrics.minuteProfiles()) {
      if (!watched(id)) this.finishAppOnlyOne(id, force);
    }
  }

  private finishAppOnlyOne(profileId: string, force: boolean): void {
    const now = this.deps.clock();
    const bucket = this.appOnlyBuckets.get(profileId) ?? minuteOf(now);
    this.appOnlyBuckets.set(profileId, bucket);
    if (!force && minuteOf(now) === bucket) return;
    const p = this.deps.profiles().find((x) => x.id === profileId);
    const app = this.deps.appMetrics.drainMinute(profileId);
    this.appOnlyBuckets.delete(profileId);
    if (!p || !app) return;
    this.pending.push(new RollupBuilder(p.id, p.environment).finish(bucket, app));
  }

  write(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      this.deps.metrics.writeMinutes(rows);
    } catch (e) {
      this.pending = rows.concat(this.pending);
      console.error(`cachify: could not write metric rollups: ${(e as Error).message}`);
    }
  }

  /** Prunes when the last prune is an hour old. */
  pruneDue(now: number): void {
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) this.prune();
  }

  /** Retention: rollups, timeline events and notifications older than their windows go. */
  prune(): void {
    const now = this.deps.clock();
    this.lastPruneAt = now;
    const s = this.deps.settings();
    try {
      this.deps.metrics.prune(s.metricsRetentionDays * 86_400_000, now);
      this.deps.history.prune(s.timelineRetentionDays * 86_400_000, now);
      this.deps.alerts.pruneNotifications(s.timelineRetentionDays * 86_400_000, now);
    } catch (e) {
      console.error(`cachify: retention prune failed: ${(e as Error).message}`);
    }
  }
}
