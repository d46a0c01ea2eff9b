import type Database from "better-sqlite3";

/**
 * One settings record: JSON under a key of the settings key/value table of migration 6
 * (`observability_settings`), read over its defaults. `merge(current, input)` checks a change and
 * throws a bad-input error naming the field; a stored record it refuses (written by a newer
 * version, or damaged) reads as the defaults rather than failing the studio.
 */
export class SettingsRecord<T> {
  readonly #get: Database.Statement<[string], string>;
  readonly #set: Database.Statement<[string, string]>;

  constructor(
    db: Database.Database,
    private readonly key: string,
    private readonly defaults: T,
    private readonly merge: (current: T, input: unknown) => T,
    /** Keeps what this version understands of a stored record before it is merged. */
    private readonly understood: (stored: unknown) => unknown = (stored) => stored,
  ) {
    this.#get = db
      .prepare<[string], string>("SELECT value FROM observability_settings WHERE key = ?")
      .pluck();
    this.#set = db.prepare(
      "INSERT INTO observability_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
  }

  /** The stored record over the defaults (a newer default shows up for fields never set). */
  read(): T {
    const text = this.#get.get(this.key);
    if (!text) return this.defaults;
    try {
      return this.merge(this.defaults, this.understood(JSON.parse(text)));
    } catch {
      return this.defaults;
    }
  }

  #cached: { at: number; value: T } | undefined;

  /**
   * The record for a per-operation reader (the gate): read at most once a second, so a change
   * made by another process (the CLI beside a running studio) is seen within that. The same
   * object comes back until then, so readers may memoise what they derive from it.
   */
  cached(now = Date.now()): T {
    if (this.#cached && now - this.#cached.at < 1000) return this.#cached.value;
    const value = this.read();
    this.#cached = { at: now, value };
    return value;
  }

  /** Checks and stores a change over what is stored; returns the record now stored. */
  update(input: unknown): T {
    const next = this.merge(this.read(), input);
    this.#set.run(this.key, JSON.stringify(next));
    this.#cached = undefined;
    return next;
  }
}
