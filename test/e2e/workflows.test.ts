import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, rawCommand, startRedis } from "../harness/index.ts";
import { helpers, launchChromium, newPage, requireWebBuild, shotsDir } from "./support.ts";

/**
 * Workflows in Chromium (issue 6): templates with the server's validation inline, presets, a
 * warm-up set from a file picked in the browser, a dry-run counting a big keyspace (progress,
 * cancel), and on a PROD profile the full path: dry-run → typed count + typed name → run with
 * progress → execution history → rerun with edits (diff, fresh dry-run, run, a notification
 * while the window is hidden) → undo, with the server refusing an apply that skips the dialog.
 */

const STAMP = `e2ewf${Date.now().toString(36)}`;
const P = `${STAMP}:`;
/** Warm-up keys live beside P, outside the TTL workflow's pattern. */
const W = `${STAMP}w:`;
const STRINGS = 1500;
const HASHES = 3;
const MATCHED = STRINGS + HASHES;
const BIG = 500_000;

describe("workflows in Chromium", () => {
  const { redis } = inject("servers");
  let big: RedisServer;
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let h: ReturnType<typeof helpers>;
  let dataDir: string;
  let pageErrors: string[] = [];
  const ids = { prod: "", dev: "", big: "" };
  const r = (...args: string[]) => rawCommand(redis.port, args);
  const ttlOf = async (key: string) => Number((await r("TTL", key)).slice(1));
  const firstExecution = { id: "" };

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-wf-"));
    // 1,500 strings with a 1 h TTL and 3 hashes without one: two types, one pattern.
    await r(
      "EVAL",
      "for i = 1, tonumber(ARGV[2]) do redis.call('SET', ARGV[1] .. 'item:' .. string.format('%05d', i), 'v', 'EX', 3600) end return 1",
      "0",
      P,
      String(STRINGS),
    );
    for (let i = 1; i <= HASHES; i++) await r("HSET", `${P}profile:${i}`, "name", `user ${i}`);
    await r("SET", `${W}exists`, "old value");

    // A server of our own with a keyspace big enough to watch a dry-run count.
    big = await startRedis();
    await big.command("DEBUG", "POPULATE", String(BIG), "bulk");

    studio = await startStudio({ dataDir, port: 0 });
    const profiles = studio.app.profiles;
    ids.prod = profiles.create({ name: "orders prod", url: redis.url, environment: "prod" }).id;
    ids.dev = profiles.create({ name: "dev local", url: redis.url, environment: "dev" }).id;
    ids.big = profiles.create({ name: "big dev", url: big.url, environment: "dev" }).id;

    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    h = helpers(page);
    await page.goto(studio.url);
    await page.getByRole("navigation", { name: "Connections" }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await big?.stop();
    const left = (await r("KEYS", `${STAMP}*`).catch(() => "")).match(/e2ewf[^\r]*/g) ?? [];
    for (let i = 0; i < left.length; i += 500) {
      await r("DEL", ...left.slice(i, i + 500)).catch(() => {});
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const templates = () => page.getByRole("navigation", { name: "Templates" });
  const pickTemplate = (name: string) =>
    templates()
      .getByRole("button", { name: new RegExp(`^${name}`) })
      .click();
  const form = (title: string) => page.getByRole("form", { name: title });
  const totals = () => page.locator(".wf-totals");
  const progress = () => page.getByRole("region", { name: "Execution progress" });

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

  it("reads warm-up entries from a CSV file picked in the browser, and runs them on dev", async () => {
    await h.open(ids.dev, "workflows");
    await page.getByRole("heading", { level: 1, name: "dev local" }).waitFor();
    await page.getByRole("tab", { name: "Execution history" }).click();
    await page.getByRole("heading", { name: "No executions yet" }).waitFor();
    await h.shotBoth("55-workflow-no-executions");
    await page.getByRole("tab", { name: "Templates" }).click();
    await pickTemplate("Warm-up set");
    const f = form("Warm-up set");
    // A file is one picked here, its content uploaded: the studio is never given a path.
    expect(await f.getByRole("radio", { name: /studio's machine/ }).count()).toBe(0);
    await f.getByRole("radio", { name: "File from this computer" }).check();
    const csv = `key,value,ttlSeconds\n${W}a,"hello, world",3600\n${W}b,second,\n${W}exists,new value,\n`;
    await f.locator('input[type="file"]').setInputFiles({
      name: "warm.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await f
      .getByText(/^warm\.csv \(\d+ B\) is uploaded with the dry-run and read by the studio/)
      .waitFor();
    await h.shotBoth("53-workflow-warmup-file");
    const sent = page.waitForRequest(
      (q) => q.method() === "POST" && new URL(q.url()).pathname === "/api/workflows/plans",
    );
    await f.getByRole("button", { name: "Dry-run" }).click();
    const body = JSON.parse((await sent).postData() ?? "{}");
    expect(body.params).toMatchObject({ content: csv, format: "csv" });
    expect(body.params.file).toBeUndefined();
    await page
      .getByText(`content=<uploaded file: ${Buffer.byteLength(csv)} bytes>`, { exact: false })
      .waitFor();
    const table = page.getByRole("table", { name: /^Planned changes/ });
    await table.getByRole("cell", { name: "set · would overwrite" }).waitFor();
    expect(await table.getByRole("cell", { name: "set · new key" }).count()).toBe(2);
    await expect.poll(() => totals().textContent()).toMatch(/^3 keys match/);
    await page.getByRole("button", { name: "Run on dev local…" }).click();
    const d = h.dialog("Run warmup-set on dev local");
    await d.getByRole("textbox", { name: /Type the key count/ }).waitFor();
    // Not prod: the count only, no name.
    expect(await d.getByRole("textbox").count()).toBe(1);
    await d.getByRole("textbox", { name: /Type the key count/ }).fill("3");
    await d.getByRole("button", { name: "Run on 3 keys" }).click();
    await progress()
      .getByText(/^Finished in/)
      .waitFor({ timeout: 20_000 });
    expect(await r("GET", `${W}a`)).toBe("$12\r\nhello, world\r\n");
    expect(await r("GET", `${W}exists`)).toBe("$9\r\nnew value\r\n");
    expect(await ttlOf(`${W}a`)).toBeGreaterThan(3000);
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
      origin: "test",
      wait: "complete",
    });
    const started = await app.workflows.apply(plan.planId, { count: plan.matched }, "test");
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
