import {
  DEFAULT_SNAPSHOT_SETTINGS,
  mergeSnapshotSettings,
  type SnapshotSettings,
} from "@cachify/core";
import type Database from "better-sqlite3";
import type { SnapshotRetention } from "./snapshot-repository.ts";

const KEY = "snapshots";

/**
 * Snapshot retention and sensitive key patterns: one JSON record in the settings key/value table
 * of migration 6 (`observability_settings`). Fields never set read as their defaults.
 */
export class SqliteSnapshotSettings {
  readonly #get: Database.Statement<[string], string>;
  readonly #set: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.#get = db
      .prepare<[string], string>("SELECT value FROM observability_settings WHERE key = ?")
      .pluck();
    this.#set = db.prepare(
      "INSERT INTO observability_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
  }

  #cached: { at: number; value: SnapshotSettings } | undefined;

  /**
   * The stored settings over the defaults (an unreadable record reads as the defaults). Read on
   * every snapshot stage, so kept for a second: a change made by another process (the CLI) is
   * seen within that.
   */
  get(now = Date.now()): SnapshotSettings {
    if (this.#cached && now - this.#cached.at < 1000) return this.#cached.value;
    const value = this.read();
    this.#cached = { at: now, value };
    return value;
  }

  private read(): SnapshotSettings {
    const text = this.#get.get(KEY);
    if (!text) return DEFAULT_SNAPSHOT_SETTINGS;
    try {
      return mergeSnapshotSettings(DEFAULT_SNAPSHOT_SETTINGS, JSON.parse(text));
    } catch {
      return DEFAULT_SNAPSHOT_SETTINGS;
    }
  }

  /** Checks and stores a change (a partial record); returns the settings now stored. */
  update(input: unknown): SnapshotSettings {
    const next = mergeSnapshotSettings(this.read(), input);
    this.#set.run(KEY, JSON.stringify(next));
    this.#cached = undefined;
    return next;
  }
}

/** What the retention prune needs, from the settings. */
export function snapshotRetention(s: SnapshotSettings): SnapshotRetention {
  return { maxAgeMs: s.retentionDays * 86_400_000, maxTotalBytes: s.maxTotalMb * 1024 * 1024 };
}
