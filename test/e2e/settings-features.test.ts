import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helpers, launchChromium, newPage, requireWebBuild } from "./support.ts";

/**
 * Settings → Features in Chromium: the four V2 switches with what turning each off means, the
 * data folder, a switch saved and in force as soon as it is flipped (the collector stops), a
 * change from elsewhere shown without a reload, and the server's validation message shown.
 */
describe("feature switches in the Settings screen", () => {
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let h: ReturnType<typeof helpers>;
  let dataDir: string;
  let pageErrors: string[] = [];
  const features = () => page.getByRole("region", { name: "Features" });
  const box = (name: string) => features().getByRole("checkbox", { name, exact: true });

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-features-"));
    studio = await startStudio({ dataDir, port: 0 });
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    h = helpers(page);
    await page.goto(`${studio.url}#/settings`);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("lists the four switches, on, each with what off means, and the data folder", async () => {
    for (const [label, off] of [
      ["Snapshots (undo)", "no undo or rollback"],
      ["Metrics collection", "stops polling connections"],
      ["Alerts", "not evaluated"],
      ["Retries", "tried once"],
    ] as const) {
      await box(label).waitFor();
      expect(await box(label).isChecked()).toBe(true);
      await features().getByText(off, { exact: false }).waitFor();
    }
    const folder = page.getByRole("region", { name: "About this studio" });
    await folder.getByText(studio.app.dataDir, { exact: true }).waitFor();
    await h.shotBoth("settings-features");
  });

  it("flipping a switch saves it and applies it at once", async () => {
    expect(studio.app.observability.running).toBe(true);
    await box("Metrics collection").uncheck();
    await expect.poll(() => studio.app.observability.running).toBe(false);
    const saved = (await h.api("GET", "/api/settings/features")).body;
    expect(saved.saved.metrics).toBe(false);
    await box("Metrics collection").check();
    await expect.poll(() => studio.app.observability.running).toBe(true);
  });

  it("shows a change made elsewhere (the CLI, another window) without a reload", async () => {
    // Pushed over the WebSocket; a loaded 2-core machine may take more than a second to render.
    const soon = { timeout: 5000 };
    studio.app.features.update({ retries: false });
    await expect.poll(() => box("Retries").isChecked(), soon).toBe(false);
    studio.app.features.update({ retries: true });
    await expect.poll(() => box("Retries").isChecked(), soon).toBe(true);
  });

  it("shows the server's message when a change is refused", async () => {
    await page.route("**/api/settings/features", (route) =>
      route.request().method() === "PUT"
        ? route.fulfill({
            status: 400,
            contentType: "application/json",
            body: JSON.stringify({
              error: {
                code: "bad-input",
                message: "alerts must be true or false (got null).",
                retryable: false,
              },
            }),
          })
        : route.continue(),
    );
    await box("Alerts").click();
    await features().getByRole("alert").getByText("alerts must be true or false").waitFor();
    await page.unroute("**/api/settings/features");
    // Nothing changed: the switch shows what is saved.
    expect(await box("Alerts").isChecked()).toBe(true);
    expect((await h.api("GET", "/api/settings/features")).body.saved.alerts).toBe(true);
    expect(pageErrors.filter((e) => !e.includes("400"))).toEqual([]);
  });
});
