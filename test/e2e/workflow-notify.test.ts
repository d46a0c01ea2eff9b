import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, newPage, requireWebBuild } from "./support.ts";

const servers = inject("servers");
const VALUE = "value-Periwinkle-4410";

/**
 * The Web Notification API for a workflow that ends while the window is hidden: Chromium's
 * Notification and document.hidden are replaced by a recorder before the page loads (a headless
 * browser shows no notifications), so what the page would show is checked as it asks for it.
 */
describe("browser notification for a finished workflow", () => {
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-wfnotify-"));
    studio = await startStudio({ dataDir, port: 0, collector: false });
    browser = await launchChromium();
    ({ page } = await newPage(browser));
    await page.addInitScript(() => {
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      class Recorder {
        static permission = "granted";
        static requestPermission = async () => "granted";
        onclick: (() => void) | null = null;
        constructor(title: string, options: { body: string }) {
          shown.push({ title, body: options.body });
        }
        close() {}
      }
      Object.defineProperty(window, "Notification", { value: Recorder });
      Object.defineProperty(document, "hidden", { get: () => true });
      localStorage.setItem("cachify.browserNotifications", "on");
    });
    await page.goto(studio.url);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const shown = () =>
    page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);

  async function runWarmup(name: string): Promise<void> {
    const app = studio.app;
    const profile = app.profiles.create({ name, url: servers.redis.url });
    const plan = await app.workflows.plan({
      template: "warmup-set",
      profile,
      params: { entries: [{ key: `wfn:${name}`, value: VALUE }] },
      origin: "cli",
      wait: "complete",
    });
    const started = await app.workflows.apply(plan.planId, { count: plan.matched }, "cli");
    await app.workflows.finished(started.executionId);
  }

  it("shows the workflow, connection, outcome and counts, never the value", async () => {
    await runWarmup("notify-dev");
    await expect.poll(async () => (await shown()).length, { timeout: 10_000 }).toBe(1);
    const [n] = await shown();
    expect(n!.title).toMatch(/succeeded on notify-dev/);
    expect(n!.body).toMatch(/1 processed, 0 failed/);
    expect(JSON.stringify(n)).not.toContain(VALUE);
    expect(JSON.stringify(n)).not.toContain("wfn:");
  });

  it("stays quiet when workflow notifications are turned off in Settings", async () => {
    await studio.app.observability.updateSettings({ notifications: { workflows: false } });
    await page.reload();
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await runWarmup("notify-off");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await shown()).toEqual([]);
  });
});
