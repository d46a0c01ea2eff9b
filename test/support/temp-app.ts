import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionProfile, WorkflowExecutionRecord } from "@cachify/core";
import { type App, openApp } from "../../apps/studio/src/composition/open-app.ts";

/** An app over a fresh data folder, removed on close. */
export function tempApp(): { app: App; dir: string; close: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "cachify-wf-"));
  const app = openApp({ dataDir: dir });
  return {
    app,
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A dry-run applied at once, confirmed the CLI's way; resolves when the execution ends. */
export async function planAndApply(
  app: App,
  profile: ConnectionProfile,
  template: string,
  params: Record<string, unknown>,
  policy: Record<string, unknown> = {},
): Promise<{ planMatched: number; execution: WorkflowExecutionRecord }> {
  const plan = await app.workflows.plan({ template, profile, params, policy, origin: "cli" });
  const started = await app.workflows.apply(
    plan.planId,
    { count: plan.matched, typedName: profile.name },
    "cli",
  );
  return {
    planMatched: plan.matched,
    execution: await app.workflows.finished(started.executionId),
  };
}
