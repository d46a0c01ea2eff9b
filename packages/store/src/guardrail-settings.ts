import {
  DEFAULT_GUARDRAIL_LEVELS,
  GUARD_LEVELS,
  type GuardrailLevels,
  mergeGuardrailLevels,
} from "@cachify/core";
import type Database from "better-sqlite3";
import { SettingsRecord } from "./settings-record.ts";

/**
 * The guardrail levels of dev and staging (Settings → Guardrails): one settings record, no schema
 * change. Prod is always typed-name (the merge refuses anything lower).
 */
export class SqliteGuardrailSettings {
  readonly #record: SettingsRecord<GuardrailLevels>;

  constructor(db: Database.Database) {
    this.#record = new SettingsRecord(
      db,
      "guardrails",
      DEFAULT_GUARDRAIL_LEVELS,
      mergeGuardrailLevels,
      // A record from a newer version may name environments, actions or levels this one does not
      // know: those are left out, and the levels it does know still apply.
      known,
    );
  }

  /**
   * The levels in force. Read by the gate at every operation, so kept for a second: a change made
   * by another process (the CLI beside a running studio) is seen within that.
   */
  get(now = Date.now()): GuardrailLevels {
    return this.#record.cached(now);
  }

  /** Checks and stores a change (a partial record); returns the levels now stored. */
  update(input: unknown): GuardrailLevels {
    return this.#record.update(input);
  }
}

function known(stored: unknown): unknown {
  if (typeof stored !== "object" || stored === null) return stored;
  const out: Record<string, Record<string, unknown>> = {};
  for (const env of ["dev", "staging"] as const) {
    const levels = (stored as Record<string, unknown>)[env];
    if (typeof levels !== "object" || levels === null) continue;
    out[env] = {};
    for (const action of ["destructive", "raw"] as const) {
      const level = (levels as Record<string, unknown>)[action];
      if ((GUARD_LEVELS as readonly unknown[]).includes(level)) out[env][action] = level;
    }
  }
  return out;
}
