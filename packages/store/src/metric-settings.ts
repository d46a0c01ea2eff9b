import {
  DEFAULT_OBSERVABILITY_SETTINGS,
  mergeSettings,
  type ObservabilitySettings,
  type ObservabilitySettingsInput,
} from "@cachify/core";
import type Database from "better-sqlite3";

const KEY = "settings";

/** The collector's settings and the per-profile "watch" switch (every profile is watched by default). */
export class SqliteObservabilitySettings {
  readonly #get: Database.Statement<[string], string>;
  readonly #set: Database.Statement<[string, string]>;
  readonly #watch: Database.Statement<[string, number]>;
  readonly #unwatched: Database.Statement<[], string>;
  readonly #forget: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#get = db
      .prepare<[string], string>("SELECT value FROM observability_settings WHERE key = ?")
      .pluck();
    this.#set = db.prepare(
      "INSERT INTO observability_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
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
    const text = this.#get.get(KEY);
    if (!text) return DEFAULT_OBSERVABILITY_SETTINGS;
    try {
      return mergeSettings(DEFAULT_OBSERVABILITY_SETTINGS, JSON.parse(text));
    } catch {
      return DEFAULT_OBSERVABILITY_SETTINGS;
    }
  }

  /** Checks and stores a change; returns the settings now in force. */
  update(input: ObservabilitySettingsInput): ObservabilitySettings {
    const next = mergeSettings(this.get(), input);
    this.#set.run(KEY, JSON.stringify(next));
    return next;
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
