import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { deleteKeys, useStudioPage } from "./studio-page.ts";
import { workflowParts } from "./workflow-parts.ts";

/**
 * A warm-up set in Chromium from a CSV file picked in the browser: its content is uploaded with
 * the dry-run (the studio is never given a path), the plan shows new and overwritten keys, and the
 * run on a dev profile asks for the count only.
 */

const STAMP = `e2ewu${Date.now().toString(36)}`;
/** Warm-up keys. */
const W = `${STAMP}w:`;

describe("a warm-up from a file picked in Chromium", () => {
  const { redis } = inject("servers");
  const ids = { dev: "" };
  const r = (...args: string[]) => rawCommand(redis.port, args);
  const ttlOf = async (key: string) => Number((await r("TTL", key)).slice(1));
  const s = useStudioPage({
    name: "wf-warmup",
    before: async () => {
      await r("SET", `${W}exists`, "old value");
    },
    started(studio) {
      ids.dev = studio.app.profiles.create({
        name: "dev local",
        url: redis.url,
        environment: "dev",
      }).id;
    },
    after: () => deleteKeys(redis.port, STAMP),
  });
  const { pickTemplate, form, totals, progress } = workflowParts(s);
  let page: Page;
  let h: typeof s.h;
  beforeAll(() => {
    ({ page, h } = s);
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
});
