import {
  DEFAULT_OBSERVABILITY_SETTINGS,
  mergeSettings,
  type ObservabilitySettings,
  type ObservabilitySettingsInput,
  type ObservabilitySettingsRepository,
} from "@cachify/core";
import type Database from "better-sqlite3";
import { SettingsRecord } from "./settings-record.ts";

/** The collector's settings and the per-profile "watch" switch (every profile is watched by default). */
export class SqliteObservabilitySettings implements ObservabilitySettingsRepository {
  readonly #record: SettingsRecord<ObservabilitySettings>;
  readonly #watch: Database.Statement<[string, number]>;
  readonly #unwatched: Database.Statement<[], string>;
  readonly #forget: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#record = new SettingsRecord(db, "settings", DEFAULT_OBSERVABILITY_SETTINGS, (c, input) =>
      mergeSettings(c, input as ObservabilitySettingsInput),
    );
    this.#watch = db.prepare(
      "INSERT INTO observability_watch (profile_id, watched) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET watched = excluded.watched",
    );
    this.#unwatched = db
      .prepare<[], string>("SELECT profile_id FROM observability_watch WHERE watched = 0")
      .pluck();
    this.#forget = db.prepare("DELETE FROM observability_watch WHERE profile_id = ?");
  }

  /** The stored settings over the defaults (a newer default shows up for fields never set). */
  get(): ObservabilitySettings {
    return this.#record.read();
  }

  /** Checks and stores a change; returns the settings now in force. */
  update(input: ObservabilitySettingsInput): ObservabilitySettings {
    return this.#record.update(input);
  }

  setWatched(profileId: string, watched: boolean): void {
    this.#watch.run(profileId, watched ? 1 : 0);
  }

  /** Profiles switched off (every other profile is watched). */
  unwatched(): Set<string> {
    return new Set(this.#unwatched.all());
  }

  forgetProfile(profileId: string): void {
    this.#forget.run(profileId);
  }
}
