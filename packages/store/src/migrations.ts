import { CachifyError } from "@cachify/core";
import type Database from "better-sqlite3";
import { workflowsMigration } from "./schema/004-workflows.ts";
import { snapshotsMigration } from "./schema/005-snapshots.ts";
import { observabilityMigration } from "./schema/006-observability.ts";
import { snapshotBatchesMigration } from "./schema/007-snapshot-batches.ts";
import { readOnlyCoverageMigration } from "./schema/008-read-only-coverage.ts";
import { workflowClaimsMigration } from "./schema/009-workflow-claims.ts";

import type { Migration } from "./schema/migration.ts";

export type { Migration } from "./schema/migration.ts";

/**
 * The schema, one step at a time. Append new steps at the end; never edit a released one, since
 * users' databases have already run it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "profiles",
    up(db) {
      // `data` holds the profile as JSON minus id, name and password; the secret has its own
      // column so that reading or exporting the JSON can never leak it.
      db.exec(`
        CREATE TABLE profiles (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          data TEXT NOT NULL,
          password TEXT
        );
      `);
    },
  },
  {
    version: 2,
    name: "history events",
    up(db) {
      // Filtered columns are real columns; the rest of the event is JSON in `data`.
      // Every index ends in (ts, id) so each filter reads newest-first straight off its index.
      db.exec(`
        CREATE TABLE history_events (
          id TEXT PRIMARY KEY,
          ts INTEGER NOT NULL,
          source TEXT NOT NULL,
          profile_id TEXT,
          execution_id TEXT,
          data TEXT NOT NULL
        );
        CREATE INDEX history_events_ts ON history_events (ts, id);
        CREATE INDEX history_events_profile ON history_events (profile_id, ts, id);
        CREATE INDEX history_events_source ON history_events (source, ts, id);
        CREATE INDEX history_events_execution ON history_events (execution_id)
          WHERE execution_id IS NOT NULL;
      `);
    },
  },
  {
    version: 3,
    name: "forced read-only policies",
    up(db) {
      // No foreign key to profiles: a managed policy may name a profile before it is imported,
      // and removing then re-importing a profile must not silently drop its lock.
      db.exec(`
        CREATE TABLE forced_read_only_policies (
          profile_id TEXT PRIMARY KEY,
          reason TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('user', 'managed')),
          created_at INTEGER NOT NULL
        );
      `);
    },
  },
  workflowsMigration,
  snapshotsMigration,
  observabilityMigration,
  snapshotBatchesMigration,
  readOnlyCoverageMigration,
  workflowClaimsMigration,
];

export interface MigrationResult {
  /** The schema version after running. */
  version: number;
  /** Versions applied by this call (empty when the database was already current). */
  applied: number[];
}

/**
 * Brings the database up to the newest known migration. Each step runs in its own IMMEDIATE
 * transaction together with its schema_migrations row, so a failed step leaves no trace and a
 * second process opening the same file at the same time cannot apply a step twice.
 * A database already past the newest known step was written by a newer app: refused, untouched.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationResult {
  checkOrder(migrations);
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    );
  `);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = currentVersion(db);
  if (current > latest) {
    throw new CachifyError(
      "storage",
      `This data folder was last used by a newer version of Cachify Studio (database schema ${current}; this version knows up to ${latest}). Update Cachify Studio, or choose another folder with --data-dir or CACHIFY_HOME.`,
      { details: { schemaVersion: current, supportedVersion: latest } },
    );
  }

  const isApplied = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").pluck();
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const step = db.transaction(() => {
      // Checked again inside the write lock: another process may have just applied it.
      if (isApplied.get(migration.version) !== undefined) return false;
      migration.up(db);
      record.run(migration.version, migration.name, Date.now());
      return true;
    });
    try {
      if (step.immediate()) applied.push(migration.version);
    } catch (e) {
      throw new CachifyError(
        "storage",
        `Could not upgrade the database to schema ${migration.version} (${migration.name}): ${(e as Error).message}. Nothing of this step was kept; the data is as it was before.`,
        { cause: e, details: { version: migration.version } },
      );
    }
  }
  return { version: Math.max(current, currentVersion(db)), applied };
}

export function currentVersion(db: Database.Database): number {
  const v = db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get();
  return typeof v === "number" ? v : 0;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new CachifyError(
        "internal",
        `Migration "${m.name}" has version ${m.version}, expected ${i + 1}: migrations must be numbered 1, 2, 3, ... in order.`,
      );
    }
  });
}
