import { DEFAULT_FEATURES, type FeatureSwitches, mergeFeatures } from "@cachify/core";
import type Database from "better-sqlite3";
import { SettingsRecord } from "./settings-record.ts";

/**
 * The V2 feature switches (snapshots, metrics, alerts, retries): one settings record, no schema
 * change needed. Switches never set read as on.
 */
export class SqliteFeatureSettings {
  readonly #record: SettingsRecord<FeatureSwitches>;

  constructor(db: Database.Database) {
    // Only known switches with a true/false value count: a record from a newer version may carry
    // switches this one does not know.
    const known = (stored: unknown) =>
      Object.fromEntries(
        Object.entries(stored as Record<string, unknown>).filter(
          ([k, v]) => k in DEFAULT_FEATURES && typeof v === "boolean",
        ),
      );
    this.#record = new SettingsRecord(db, "features", DEFAULT_FEATURES, mergeFeatures, known);
  }

  /** The stored switches over the defaults (an unreadable record reads as all on). */
  get(): FeatureSwitches {
    return { ...this.#record.read() };
  }

  /** Checks and stores a change (a partial record); returns the switches now stored. */
  update(input: unknown): FeatureSwitches {
    return this.#record.update(input);
  }
}
