import type { Migration } from "../migrations.ts";

/**
 * Workflows: saved templates (presets of a built-in), dry-run plans and executions. Owned by the
 * workflow engine; unreleased, so it may still change shape until the first release.
 */
export const workflowsMigration: Migration = {
  version: 4,
  name: "workflows",
  up(db) {
    db.exec(`
      CREATE TABLE workflow_templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        builtin TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE workflow_plans (
        plan_id TEXT PRIMARY KEY,
        profile_id TEXT NOT NULL,
        builtin TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE workflow_executions (
        execution_id TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        parent_execution_id TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX workflow_executions_started ON workflow_executions (started_at);
    `);
  },
};
