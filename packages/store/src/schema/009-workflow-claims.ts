import type { Migration } from "./migration.ts";

/**
 * A plan runs at most once: `applied_by` names the execution that claimed it, set by one
 * conditional UPDATE (atomic for every process sharing the file). Chunks holding warm-up values
 * are stored sealed (AES-256-GCM, as snapshot payloads): `sealed` tells them from clear ones.
 */
export const workflowClaimsMigration: Migration = {
  version: 9,
  name: "workflow plan claims and sealed chunks",
  up(db) {
    db.exec(`
      ALTER TABLE workflow_plans ADD COLUMN applied_by TEXT;
      UPDATE workflow_plans SET applied_by = json_extract(data, '$.executionId')
        WHERE json_valid(data) AND json_extract(data, '$.executionId') IS NOT NULL;
      ALTER TABLE workflow_plan_chunks ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
