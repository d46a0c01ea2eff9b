import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionProfile, PlanRecord, WorkflowExecutionRecord } from "@cachify/core";
import { type App, openApp } from "@cachify/studio";

/** An app on a temp data folder with snapshots off (B1, B3-B6 measure the workflow itself). */
export function benchApp(snapshots = false): { app: App; cleanup: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-bench-wf-"));
  const before = process.env.CACHIFY_SNAPSHOTS;
  process.env.CACHIFY_SNAPSHOTS = snapshots ? "on" : "off";
  const app = openApp({ dataDir });
  if (before === undefined) delete process.env.CACHIFY_SNAPSHOTS;
  else process.env.CACHIFY_SNAPSHOTS = before;
  return {
    app,
    cleanup: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Timed {
  plan: PlanRecord;
  planMs: number;
  execution: WorkflowExecutionRecord;
  applyMs: number;
}

/** Dry-run then apply (confirmed as the CLI would), timing each. */
export async function planAndApply(
  app: App,
  profile: ConnectionProfile,
  template: string,
  params: Record<string, unknown>,
  policy: Record<string, unknown> = {},
): Promise<Timed> {
  let t = performance.now();
  const plan = await app.workflows.plan({
    template,
    profile,
    params,
    policy,
    origin: "cli",
    wait: "complete",
  });
  const planMs = performance.now() - t;
  t = performance.now();
  const started = await app.workflows.apply(
    plan.planId,
    { count: plan.matched, typedName: profile.name },
    "cli",
  );
  const execution = await app.workflows.finished(started.executionId);
  const applyMs = performance.now() - t;
  if (execution.status !== "succeeded") {
    throw new Error(
      `bench workflow ${template} ended ${execution.status}: ${execution.abortReason}`,
    );
  }
  return { plan, planMs, execution, applyMs };
}

export const rate = (keys: number, ms: number) =>
  `${Math.round((keys / ms) * 1000).toLocaleString("en-US")} keys/s`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
