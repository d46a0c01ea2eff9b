import { DEFAULT_FEATURES, type FeatureSwitches, mergeFeatures } from "@cachify/core";
import type Database from "better-sqlite3";

const KEY = "features";

/**
 * The V2 feature switches (snapshots, metrics, alerts, retries). One JSON record in the settings
 * key/value table of migration 6 (`observability_settings`, whose other record is the collector's
 * settings): no schema change needed. Switches never set read as on.
 */
export class SqliteFeatureSettings {
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

  /** The stored switches over the defaults (an unreadable record reads as all on). */
  get(): FeatureSwitches {
    const text = this.#get.get(KEY);
    if (!text) return { ...DEFAULT_FEATURES };
    try {
      const stored = JSON.parse(text) as Record<string, unknown>;
      // Only known switches with a true/false value count: a record from a newer version may
      // carry switches this one does not know.
      const known = Object.fromEntries(
        Object.entries(stored).filter(([k, v]) => k in DEFAULT_FEATURES && typeof v === "boolean"),
      );
      return mergeFeatures(DEFAULT_FEATURES, known);
    } catch {
      return { ...DEFAULT_FEATURES };
    }
  }

  /** Checks and stores a change (a partial record); returns the switches now stored. */
  update(input: unknown): FeatureSwitches {
    const next = mergeFeatures(this.get(), input);
    this.#set.run(KEY, JSON.stringify(next));
    return next;
  }
}
