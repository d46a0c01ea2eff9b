import { join } from "node:path";
import type { RunningStudio } from "@cachify/studio";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../harness/index.ts";
import { useStudioPage } from "./studio-page.ts";
import { shotsDir } from "./support.ts";
import { workflowParts } from "./workflow-parts.ts";

/**
 * Workflows on a big keyspace in Chromium: a dry-run's count growing while it reads every key's
 * TTL, and cancelled; a large execution put back from its snapshots a page at a time, with a
 * progress bar.
 */

const BIG = 500_000;

describe("workflows on a big keyspace in Chromium", () => {
  const ids = { big: "" };
  let big: RedisServer;
  const s = useStudioPage({
    name: "wf-big",
    async before() {
      // A server of our own with a keyspace big enough to watch a dry-run count.
      big = await startRedis();
      await big.command("DEBUG", "POPULATE", String(BIG), "bulk");
    },
    started(studio) {
      ids.big = studio.app.profiles.create({
        name: "big dev",
        url: big.url,
        environment: "dev",
      }).id;
    },
    after: async () => {
      await big?.stop();
    },
  });
  const { pickTemplate, form } = workflowParts(s);
  let page: Page;
  let h: typeof s.h;
  let studio: RunningStudio;
  beforeAll(() => {
    ({ page, h, studio } = s);
  });

  it("shows the count growing while a big dry-run runs, and cancels it", async () => {
    await h.open(ids.big, "workflows");
    await page.getByRole("heading", { level: 1, name: "big dev" }).waitFor();
    // Reading every key's TTL keeps this dry-run counting for a few seconds.
    await pickTemplate("TTL normalize");
    const f = form("TTL normalize");
    await f.getByLabel("Pattern").fill("bulk:*");
    await f.getByLabel("TTL (seconds)").fill("60");
    await f.getByLabel("Mode").selectOption("persistent-only");
    await f.getByRole("button", { name: "Dry-run" }).click();
    const counting = page.getByRole("status").filter({ hasText: /^Counting…/ });
    await counting.waitFor();
    await expect
      .poll(() => counting.textContent())
      .toMatch(/Counting… [1-9][\d,]* scanned · [1-9][\d,]* match so far/);
    await h.shotBoth("54-workflow-counting");
    await page.getByRole("button", { name: "Cancel dry-run" }).click();
    await page.getByText(/^The dry-run was cancelled/).waitFor();
    expect(await page.getByRole("button", { name: "Run on big dev…" }).getAttribute("title")).toBe(
      "This dry-run did not finish: make a fresh one",
    );
    expect(await big.command("DBSIZE")).toBe(`:${BIG}\r\n`);
    expect(await big.command("TTL", "bulk:1")).toBe(":-1\r\n");
  });

  it("shows a progress bar while a large execution is put back, a page at a time", async () => {
    // About 111,000 keys (bulk:1, bulk:10…, bulk:1xxxxx), deleted through the app, then restored
    // from the screen: over fifty pages, each pushed to the dialog.
    const app = studio.app;
    const profile = app.profiles.resolve(ids.big);
    const plan = await app.workflows.plan({
      template: "delete-by-pattern",
      profile,
      params: { pattern: "bulk:1*" },
      origin: "cli",
      wait: "complete",
    });
    const started = await app.workflows.apply(plan.planId, { count: plan.matched }, "cli");
    expect((await app.workflows.finished(started.executionId)).processed).toBe(plan.matched);
    await page.getByRole("tab", { name: "Execution history" }).click();
    const list = page.getByRole("table", { name: "Executions on big dev" });
    await list.getByRole("row").filter({ hasText: "delete" }).first().click();
    await page.getByRole("button", { name: "Undo this execution…" }).click();
    const d = page.getByRole("dialog", { name: /^Undo execution exec_/ });
    await d.getByRole("table", { name: "Snapshots" }).waitFor();
    await d.getByRole("button", { name: "Restore whole execution" }).click();
    // The confirmation stays open while the restore runs, with its progress.
    const n = plan.matched.toLocaleString("en-US");
    const g = page.getByRole("dialog", { name: `Restore ${n} keys on big dev` });
    await g.getByRole("button", { name: `Restore ${n} keys`, exact: true }).click();
    const bar = g.getByRole("progressbar", { name: "Restore progress" });
    await bar.waitFor({ timeout: 30_000 });
    expect(Number(await bar.getAttribute("max"))).toBe(plan.matched);
    await page.screenshot({ path: join(shotsDir, "56-rollback-progress.png") });
    await g.waitFor({ state: "hidden", timeout: 60_000 });
    const result = d.getByRole("status", { name: "Restore result" });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(
      new RegExp(`^${plan.matched.toLocaleString("en-US")} restored · 0 skipped · 0 failed`),
    );
    expect(await big.command("DBSIZE")).toBe(`:${BIG}\r\n`);
    await d.getByRole("button", { name: "Close" }).click();
  }, 120_000);
});
