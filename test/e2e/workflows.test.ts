import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { deleteKeys, useStudioPage } from "./studio-page.ts";
import { workflowParts } from "./workflow-parts.ts";

/**
 * Workflows in Chromium (issue 6) on a PROD profile, the full path: templates with the server's
 * validation inline, presets, dry-run → typed count + typed name → run with progress → execution
 * history → rerun with edits (diff, fresh dry-run, run, a notification while the window is
 * hidden) → undo, with the server refusing an apply that skips the dialog. A warm-up from a file
 * picked in the browser is in workflow-warmup.test.ts, a big keyspace's dry-run and restore in
 * workflow-big-keyspace.test.ts.
 */

const STAMP = `e2ewf${Date.now().toString(36)}`;
const P = `${STAMP}:`;
const STRINGS = 1500;
const HASHES = 3;
const MATCHED = STRINGS + HASHES;

describe("workflows on prod in Chromium", () => {
  const { redis } = inject("servers");
  const ids = { prod: "" };
  const r = (...args: string[]) => rawCommand(redis.port, args);
  const ttlOf = async (key: string) => Number((await r("TTL", key)).slice(1));
  const firstExecution = { id: "" };
  const s = useStudioPage({
    name: "wf",
    async before() {
      // 1,500 strings with a 1 h TTL and 3 hashes without one: two types, one pattern.
      await r(
        "EVAL",
        "for i = 1, tonumber(ARGV[2]) do redis.call('SET', ARGV[1] .. 'item:' .. string.format('%05d', i), 'v', 'EX', 3600) end return 1",
        "0",
        P,
        String(STRINGS),
      );
      for (let i = 1; i <= HASHES; i++) await r("HSET", `${P}profile:${i}`, "name", `user ${i}`);
    },
    started(studio) {
      ids.prod = studio.app.profiles.create({
        name: "orders prod",
        url: redis.url,
        environment: "prod",
      }).id;
    },
    after: () => deleteKeys(redis.port, STAMP),
  });
  const { templates, pickTemplate, form, totals, progress } = workflowParts(s);
  let page: Page;
  let h: typeof s.h;
  let pageErrors: string[] = [];
  beforeAll(() => {
    ({ page, h, errors: pageErrors } = s);
  });

  it("shows the server's validation message next to the field it names", async () => {
    await h.open(ids.prod, "workflows");
    await page.getByText(/^PRODUCTION · orders prod/).waitFor();
    await page.getByRole("tab", { name: "Templates" }).waitFor();
    await pickTemplate("TTL normalize");
    const f = form("TTL normalize");
    await f.getByLabel("Pattern").fill(`${P}*`);
    await f.getByLabel("TTL (seconds)").fill("ten");
    await f.getByRole("button", { name: "Dry-run" }).click();
    const error = f.getByRole("alert");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Param ttlSeconds of ttl-normalize must be/);
    expect(await f.getByLabel("TTL (seconds)").getAttribute("aria-invalid")).toBe("true");
    await h.shotBoth("40-workflow-template-error");
  });

  it("saves the form as a preset, edits it and lists it", async () => {
    const f = form("TTL normalize");
    await f.getByLabel("TTL (seconds)").fill("600");
    await f.getByText("Execution policy").click();
    await f.getByLabel("Batch size").fill("100");
    await f.getByLabel("Max keys per second").fill("300");
    await f.getByRole("button", { name: "Save as preset…" }).click();
    const save = h.dialog("Save TTL normalize as a preset");
    await save.getByLabel("Preset name").fill("prod ttl 10m");
    await save.getByLabel("Description (optional)").fill("sessions down to 10 minutes");
    await save.getByRole("button", { name: "Save preset" }).click();
    await save.waitFor({ state: "hidden" });
    await templates()
      .getByRole("button", { name: /^prod ttl 10m/ })
      .waitFor();
    const preset = form("prod ttl 10m");
    expect(await preset.getByLabel("Pattern").inputValue()).toBe(`${P}*`);
    expect(await preset.getByLabel("TTL (seconds)").inputValue()).toBe("600");
    await preset.getByRole("button", { name: "Save preset changes" }).click();
    await preset.getByText("Saved as version 2.").waitFor();
    await templates()
      .getByRole("button", { name: /^prod ttl 10m.*v2/ })
      .waitFor();
    await h.shotBoth("41-workflow-templates");
  });

  it("makes a dry-run of the preset: totals, notes, the per-key change, pages", async () => {
    await form("prod ttl 10m").getByRole("button", { name: "Dry-run" }).click();
    await page.getByRole("heading", { name: /^Dry-run · prod ttl 10m/ }).waitFor();
    // The first page answers at once; the count goes on (the shared server may hold many keys).
    await expect
      .poll(() => totals().textContent(), { timeout: 20_000 })
      .toMatch(/^1,503 keys match · \d types?/);
    expect(await totals().textContent()).toContain("rollback: full");
    const table = page.getByRole("table", { name: /^Planned changes, page 1 of 16/ });
    await table
      .getByRole("cell", { name: /^TTL 3,\d{3} → 600$/ })
      .first()
      .waitFor();

    await page.getByLabel("Rows per page").selectOption("1000");
    const big = page.getByRole("table", { name: "Planned changes, page 1 of 2" });
    await big.waitFor();
    // Virtualized: 1,000 rows on the page, a screenful in the DOM.
    expect(await big.getByRole("row").count()).toBeLessThan(80);
    const jump = page.getByRole("textbox", { name: "Page number, 1 to 2" });
    await jump.fill("2");
    await jump.press("Enter");
    const second = page.getByRole("table", { name: "Planned changes, page 2 of 2" });
    await second.getByRole("cell", { name: "1,001", exact: true }).waitFor();
    expect(await second.textContent()).toMatch(/TTL (3,\d{3}|none) → 600/);
    await page.getByRole("button", { name: "First page" }).click();
    await page.getByRole("table", { name: "Planned changes, page 1 of 2" }).waitFor();
    await h.shotBoth("42-workflow-dry-run");
  });

  it("refuses an apply that skips the dialog (428), with nothing changed", async () => {
    const plans = await h.api("GET", `/api/workflows/plans?profileId=${ids.prod}&limit=1`);
    const planId = plans.body.plans[0].planId as string;
    const bare = await h.api("POST", `/api/workflows/plans/${planId}/apply`, {});
    expect(bare.status).toBe(428);
    expect(bare.body.error.details).toMatchObject({
      level: "typed-count-and-name",
      matched: MATCHED,
      type: { count: String(MATCHED), name: "orders prod" },
    });
    const forged = await h.api("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: { challengeId: "chal_forged", count: MATCHED, typedName: "orders prod" },
    });
    expect(forged.status).toBe(428);
    const wrongCount = await h.api("POST", `/api/workflows/plans/${planId}/apply`, {
      confirm: {
        challengeId: bare.body.error.details.challengeId,
        count: MATCHED - 1,
        typedName: "orders prod",
      },
    });
    expect(wrongCount.status).toBe(428);
    expect(await ttlOf(`${P}item:00001`)).toBeGreaterThan(3000);
    expect(await ttlOf(`${P}profile:1`)).toBe(-1);
  });

  it("runs only once the count and the prod name are typed, with progress and a result", async () => {
    await page.getByRole("button", { name: "Run on orders prod…" }).click();
    const d = h.dialog("Run prod ttl 10m on orders prod");
    await d.waitFor();
    const go = d.getByRole("button", { name: "Run on 1,503 keys" });
    expect(await go.isDisabled()).toBe(true);
    await d.getByRole("textbox", { name: /Type the key count/ }).fill("1,503");
    expect(await go.isDisabled()).toBe(true);
    await d.getByRole("textbox", { name: "Type orders prod to confirm" }).fill("orders pro");
    expect(await go.isDisabled()).toBe(true);
    await d.getByRole("textbox", { name: "Type orders prod to confirm" }).fill("orders prod");
    expect(await go.isDisabled()).toBe(false);
    await h.shotBoth("44-workflow-typed-count");
    await go.click();
    await d.waitFor({ state: "hidden" });

    await progress().waitFor();
    await progress().getByRole("button", { name: "Cancel execution" }).waitFor();
    await expect
      .poll(() => progress().locator(".wf-run-figures").textContent())
      .toMatch(/^[1-9][\d,]* \/ 1,503 keys \(\d+%\) · [\d,]+ keys\/s · ETA /);
    await h.shotBoth("46-workflow-running");
    await progress()
      .getByText(/^Finished in/)
      .waitFor({ timeout: 30_000 });
    expect(await progress().locator(".wf-run-figures").textContent()).toContain(
      "1,503 / 1,503 keys (100%)",
    );
    await h.shotBoth("47-workflow-finished");
    const ttl = await ttlOf(`${P}item:00001`);
    expect(ttl).toBeGreaterThan(500);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await ttlOf(`${P}profile:1`)).toBeLessThanOrEqual(600);
  });

  it("lists the execution with its timeline", async () => {
    await progress().getByRole("button", { name: "Open in execution history" }).click();
    const list = page.getByRole("table", { name: "Executions on orders prod" });
    const row = list.getByRole("row").filter({ hasText: "prod ttl 10m" });
    await row.first().waitFor();
    expect(await row.first().textContent()).toMatch(/succeeded.*1,503 \/ 1,503/);
    await page.getByRole("heading", { name: "Execution · prod ttl 10m v2" }).waitFor();
    const steps = page.getByRole("table", { name: "Steps" });
    await steps.getByRole("cell", { name: "apply", exact: true }).waitFor();
    expect(await steps.textContent()).toMatch(/succeeded16/);
    const attempts = page.getByRole("table", { name: "Attempts" });
    await expect.poll(() => attempts.getByRole("row").count()).toBe(17);
    const counts = page.getByRole("list", { name: "Counts" });
    expect(await counts.textContent()).toBe(
      "Planned1,503Processed1,503Applied1,503Skipped0Failed0",
    );
    const detail = await h.api("GET", `/api/workflows/executions?profileId=${ids.prod}`);
    firstExecution.id = detail.body.executions[0].executionId;
    await h.shotBoth("48-workflow-executions");
  });

  it("reruns with edits: the changed params before a fresh dry-run, then runs it", async () => {
    await page.getByRole("button", { name: "Rerun with edits" }).click();
    const edit = page.getByRole("form", { name: "Rerun with edits" });
    const ttlField = edit.getByLabel("TTL (seconds)");
    expect(await ttlField.inputValue()).toBe("600");
    expect(await edit.getByLabel("Pattern").inputValue()).toBe(`${P}*`);
    await edit.getByText("No param changed yet").waitFor();
    await ttlField.fill("900");
    const diff = edit.getByRole("table", { name: "Changed params" });
    await diff.waitFor();
    expect(await diff.getByRole("row").nth(1).textContent()).toBe("ttlSeconds600900");
    await h.shotBoth("50-workflow-rerun-edits");
    await edit.getByRole("button", { name: "Dry-run with these changes" }).click();

    await page.getByRole("heading", { name: /^Dry-run · prod ttl 10m/ }).waitFor();
    await page.getByText(/^Rerun with edits of execution/).waitFor();
    expect(
      await page
        .getByRole("table", { name: "Changed params" })
        .getByRole("row")
        .nth(1)
        .textContent(),
    ).toBe("ttlSeconds600900");
    await expect
      .poll(() => totals().textContent(), { timeout: 20_000 })
      .toMatch(/^1,503 keys match/);
    await page
      .getByRole("table", { name: /^Planned changes/ })
      .getByRole("cell", { name: /^TTL \d+ → 900$/ })
      .first()
      .waitFor();
    await h.shotBoth("51-workflow-rerun-dry-run");

    // Finish while the window is in the background: a desktop notification (names, no values).
    await page.evaluate(() => {
      const w = window as unknown as { __notes: { title: string; body?: string }[] };
      w.__notes = [];
      class FakeNotification {
        static permission = "granted";
        static requestPermission = async () => "granted";
        constructor(title: string, options?: { body?: string }) {
          w.__notes.push({ title, ...(options?.body ? { body: options.body } : {}) });
        }
      }
      Object.assign(window, { Notification: FakeNotification });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    });
    await page.getByRole("button", { name: "Run on orders prod…" }).click();
    const d = h.dialog("Run prod ttl 10m on orders prod");
    await d.getByRole("textbox", { name: /Type the key count/ }).fill("1503");
    await d.getByRole("textbox", { name: "Type orders prod to confirm" }).fill("orders prod");
    await d.getByRole("button", { name: "Run on 1,503 keys" }).click();
    await progress()
      .getByText(/^Finished in/)
      .waitFor({ timeout: 30_000 });
    const notes = await page.evaluate(
      () => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes,
    );
    await page.evaluate(() => {
      delete (document as unknown as { visibilityState?: string }).visibilityState;
    });
    expect(notes).toEqual([
      {
        title: "prod ttl 10m succeeded on orders prod",
        body: "1,503 applied · 0 skipped · 0 failed",
      },
    ]);
    const ttl = await ttlOf(`${P}item:00001`);
    expect(ttl).toBeGreaterThan(800);
    expect(ttl).toBeLessThanOrEqual(900);

    await progress().getByRole("button", { name: "Open in execution history" }).click();
    const list = page.getByRole("table", { name: "Executions on orders prod" });
    await expect.poll(() => list.getByRole("row").count()).toBe(3);
    const child = list.getByRole("row").nth(1);
    expect(await child.textContent()).toMatch(/rerun-with-edits/);
    expect(await child.getByRole("button", { name: /^exec_…/ }).getAttribute("title")).toBe(
      firstExecution.id,
    );
    await page.getByRole("table", { name: "Changed params" }).waitFor();
  });

  it("undoes the rerun from its execution (typed name on prod)", async () => {
    await page.getByRole("button", { name: "Undo this execution…" }).click();
    const d = page.getByRole("dialog", { name: /^Undo execution exec_/ });
    await d.waitFor();
    await d.getByRole("table", { name: "Snapshots" }).waitFor();
    await d.getByRole("region", { name: /^Snapshot of .* beside its current state$/ }).waitFor();
    await h.shotBoth("52-workflow-undo-execution");
    await d.getByRole("button", { name: "Restore whole execution" }).click();
    await h.confirmGuard("Restore 1,503 keys", "orders prod", "orders prod");
    const result = d.getByRole("status", { name: "Restore result" });
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/^1,503 restored · 0 skipped · 0 failed/);
    const ttl = await ttlOf(`${P}item:00001`);
    expect(ttl).toBeGreaterThan(500);
    expect(ttl).toBeLessThanOrEqual(600);
    await d.getByRole("button", { name: "Close" }).click();
    await d.waitFor({ state: "hidden" });
  });

  it("deletes the preset", async () => {
    await h.open(ids.prod, "workflows");
    await page.getByRole("tab", { name: "Templates" }).click();
    await templates()
      .getByRole("button", { name: /^prod ttl 10m/ })
      .click();
    await form("prod ttl 10m").getByRole("button", { name: "Delete preset" }).click();
    const d = h.dialog("Delete preset prod ttl 10m");
    await d.getByRole("button", { name: "Delete preset" }).click();
    await d.waitFor({ state: "hidden" });
    await templates()
      .getByText(/None yet/)
      .waitFor();
  });

  it("logged no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
