import path from "node:path";
import { CachifyError } from "@cachify/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, type Migration, runMigrations } from "./migrations.ts";
import { openStore } from "./open-store.ts";
import { useTempDirs } from "./test-support.ts";

interface MigrationRow {
  version: number;
  name: string;
  applied_at: number;
}

const rowsOf = (db: Database.Database) =>
  db
    .prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    .all() as MigrationRow[];

const tables = (db: Database.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();

describe("migrations", () => {
  const tempDir = useTempDirs();

  it("run once on a new store and survive reopening unchanged", () => {
    const dir = tempDir();
    const first = openStore(dir);
    expect(first.schemaVersion).toBe(MIGRATIONS.length);
    first.close();

    const raw = new Database(path.join(dir, "cachify.db"), { readonly: true });
    const before = rowsOf(raw);
    raw.close();
    expect(before.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(before.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));

    const second = openStore(dir);
    expect(second.schemaVersion).toBe(MIGRATIONS.length);
    second.close();

    const again = new Database(path.join(dir, "cachify.db"), { readonly: true });
    expect(rowsOf(again)).toEqual(before);
    expect(tables(again)).toEqual([
      "alert_rules",
      "alert_states",
      "forced_read_only_policies",
      "history_events",
      "metric_rollups",
      "metric_rollups_hourly",
      "notifications",
      "observability_settings",
      "observability_watch",
      "profiles",
      "read_only_coverage",
      "schema_migrations",
      "snapshot_batches",
      "snapshot_state",
      "workflow_attempts",
      "workflow_executions",
      "workflow_plan_chunks",
      "workflow_plans",
      "workflow_templates",
    ]);
    again.close();
  });

  it("apply only the steps a database has not seen yet", () => {
    const db = new Database(":memory:");
    expect(runMigrations(db).applied).toEqual(MIGRATIONS.map((m) => m.version));
    const extra: Migration = {
      version: MIGRATIONS.length + 1,
      name: "extra",
      up: (d) => d.exec("CREATE TABLE extra (x)"),
    };
    expect(runMigrations(db, [...MIGRATIONS, extra])).toEqual({
      version: MIGRATIONS.length + 1,
      applied: [MIGRATIONS.length + 1],
    });
    expect(runMigrations(db, [...MIGRATIONS, extra]).applied).toEqual([]);
    db.close();
  });

  it("roll a failing step back entirely and keep the steps before it", () => {
    const db = new Database(":memory:");
    const failing: Migration[] = [
      { version: 1, name: "one", up: (d) => d.exec("CREATE TABLE one (x)") },
      {
        version: 2,
        name: "two",
        up: (d) => {
          d.exec("CREATE TABLE two (x)");
          d.exec("THIS IS NOT SQL");
        },
      },
    ];
    const error = (() => {
      try {
        runMigrations(db, failing);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CachifyError);
    expect((error as CachifyError).code).toBe("storage");
    expect((error as CachifyError).message).toMatch(/schema 2 \(two\)/);
    expect(tables(db)).toEqual(["one", "schema_migrations"]);
    expect(rowsOf(db).map((r) => r.version)).toEqual([1]);
    db.close();
  });

  it("refuse a database written by a newer version of the app and leave it untouched", () => {
    const dir = tempDir();
    openStore(dir).close();
    const file = path.join(dir, "cachify.db");
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)").run();
    raw.close();

    expect(() => openStore(dir)).toThrowError(
      expect.objectContaining({
        code: "storage",
        message: expect.stringMatching(/newer version of Cachify Studio \(database schema 99/),
      }),
    );
    const after = new Database(file, { readonly: true });
    expect(rowsOf(after).at(-1)?.version).toBe(99);
    after.close();
  });

  it("reject a list that is not numbered 1, 2, 3, ...", () => {
    const db = new Database(":memory:");
    const gap: Migration[] = [{ version: 2, name: "two", up: () => {} }];
    expect(() => runMigrations(db, gap)).toThrowError(/must be numbered/);
    db.close();
  });
});
