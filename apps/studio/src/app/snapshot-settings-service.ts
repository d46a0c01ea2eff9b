import {
  type SnapshotPruner,
  type SnapshotSettings,
  type SnapshotSettingsRepository,
  snapshotRetention,
  unsnapshottedKeys,
  unsnapshottedPatterns,
} from "@cachify/core";

/** Where the settings are kept and the snapshots pruned (ports the store implements). */
export interface SnapshotSettingsDeps {
  snapshotSettings: SnapshotSettingsRepository;
  snapshots: SnapshotPruner;
}

type Excluded = { matches: (key: Uint8Array) => boolean; patterns: string[] };

/** How often retention runs while the studio is open (it also runs at start and on a change). */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Snapshot retention (age, total size) and sensitive key patterns: read by the gate's snapshot
 * stage and the dry-run's coverage statement, changed from Settings or the API, applied at once.
 */
export class SnapshotSettingsService {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: SnapshotSettingsDeps) {}

  get(): SnapshotSettings {
    return this.store.snapshotSettings.get();
  }

  /** Checks and stores a change, then prunes to the new limits; returns what is stored. */
  update(input: unknown): SnapshotSettings & { pruned: number } {
    const next = this.store.snapshotSettings.update(input);
    return { ...next, pruned: this.prune() };
  }

  /** Drops snapshots past the retention limits; returns how many key snapshots went. */
  prune(): number {
    try {
      return this.store.snapshots.prune(snapshotRetention(this.get()));
    } catch (e) {
      // Housekeeping: a busy or full database is no reason to fail what asked for it.
      console.error(`cachify: snapshot retention could not run: ${(e as Error).message}`);
      return 0;
    }
  }

  /** Prunes now and every few minutes until `stop` (the timer never keeps the process alive). */
  start(): void {
    this.prune();
    this.timer ??= setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Keys left out of snapshots (sensitive, not opted in): the matcher and its patterns. */
  /** The matcher compiled for the settings it came from (the store hands back the same object until they change). */
  private compiled: { from: SnapshotSettings; value: Excluded | undefined } | undefined;

  /**
   * Keys left out of snapshots (sensitive, not opted in): the matcher and its patterns. Read by
   * the gate at every operation, so the patterns are compiled once per settings change.
   */
  excluded(): Excluded | undefined {
    const s = this.get();
    if (this.compiled?.from !== s) {
      const matches = unsnapshottedKeys(s);
      this.compiled = {
        from: s,
        value: matches ? { matches, patterns: unsnapshottedPatterns(s) } : undefined,
      };
    }
    return this.compiled.value;
  }
}
