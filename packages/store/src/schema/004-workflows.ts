import type { Migration } from "./migration.ts";

/**
 * Workflows: saved templates (presets of a built-in), dry-run plans with their keys in chunks
 * (a plan of millions of keys pages from disk, never from memory), executions and every attempt
 * of their batches. Owned by the workflow engine; unreleased, so it may still change shape until
 * the first release.
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
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX workflow_plans_created ON workflow_plans (created_at, plan_id);
      -- A plan's keys in order, a fixed number per chunk (the last may hold fewer), encoded
      -- compactly: page N of any size reads only the chunks it spans.
      CREATE TABLE workflow_plan_chunks (
        plan_id TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        count INTEGER NOT NULL,
        items BLOB NOT NULL,
        PRIMARY KEY (plan_id, chunk)
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
      CREATE INDEX workflow_executions_started ON workflow_executions (started_at, execution_id);
      CREATE INDEX workflow_executions_profile ON workflow_executions (profile_id, started_at);
      CREATE INDEX workflow_executions_running ON workflow_executions (status)
        WHERE status = 'running';
      CREATE TABLE workflow_attempts (
        execution_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (execution_id, seq)
      );
    `);
  },
};
