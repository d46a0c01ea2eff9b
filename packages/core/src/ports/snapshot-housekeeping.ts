import type { SnapshotSettings } from "../snapshots/settings.ts";

/** Snapshot retention in the units the store prunes by. */
export interface SnapshotRetention {
  maxAgeMs: number;
  maxTotalBytes: number;
}

/** What the retention prune needs, from the settings. */
export function snapshotRetention(s: SnapshotSettings): SnapshotRetention {
  return { maxAgeMs: s.retentionDays * 86_400_000, maxTotalBytes: s.maxTotalMb * 1024 * 1024 };
}

/** Where snapshot retention and sensitive key patterns are kept (checked on update). */
export interface SnapshotSettingsRepository {
  get(): SnapshotSettings;
  update(input: unknown): SnapshotSettings;
}

/** Where snapshots are pruned: drops key snapshots past the limits, answers how many went. */
export interface SnapshotPruner {
  prune(retention: SnapshotRetention, now?: number): number;
}
