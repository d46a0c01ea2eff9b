import {
  DEFAULT_SNAPSHOT_SETTINGS,
  mergeSnapshotSettings,
  type SnapshotSettings,
  type SnapshotSettingsRepository,
  snapshotRetention,
} from "@cachify/core";
import type Database from "better-sqlite3";
import { SettingsRecord } from "./settings-record.ts";

/** What the retention prune needs, from the settings (the conversion is the core port's). */
export { snapshotRetention };

/** Snapshot retention and sensitive key patterns (Settings → Snapshots). */
export class SqliteSnapshotSettings implements SnapshotSettingsRepository {
  readonly #record: SettingsRecord<SnapshotSettings>;

  constructor(db: Database.Database) {
    this.#record = new SettingsRecord(
      db,
      "snapshots",
      DEFAULT_SNAPSHOT_SETTINGS,
      mergeSnapshotSettings,
    );
  }

  /**
   * The settings in force. Read on every snapshot stage, so kept for a second: a change made by
   * another process (the CLI) is seen within that.
   */
  get(now = Date.now()): SnapshotSettings {
    return this.#record.cached(now);
  }

  /** Checks and stores a change (a partial record); returns the settings now stored. */
  update(input: unknown): SnapshotSettings {
    return this.#record.update(input);
  }
}
