import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useObservabilityStudio } from "./observability-fixture.ts";
import { palette } from "./palette.ts";

/**
 * The observability studio's Settings screen in Chromium (inline validation, saving, the theme
 * choice following the rail's), and the command palette reaching every screen, every connection's
 * tabs and a key. Screens light and dark go to test-artifacts/e2e/.
 */

describe("observability settings and the command palette in Chromium", () => {
  const o = useObservabilityStudio();
  const { ids, api, go, rail, shot, shots } = o;
  let page: Page;
  let openPalette: ReturnType<typeof palette>["openPalette"];
  let runPalette: ReturnType<typeof palette>["runPalette"];
  beforeAll(() => {
    page = o.s.page;
    ({ openPalette, runPalette } = palette(page));
  });

  it("validates the settings inline and saves them", async () => {
    await go("#/settings");
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    const poll = page.getByLabel("Poll interval (ms)");
    await expect.poll(() => poll.inputValue()).toBe("250");
    await poll.fill("50");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = page.getByRole("alert").filter({ hasText: "pollIntervalMs" });
    await error.waitFor();
    expect(await error.textContent()).toBe(
      "pollIntervalMs must be a whole number from 100 to 600000.",
    );
    expect(await poll.getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Memory limit ratio (0–1)").fill("lots");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Memory limit ratio must be a number.").waitFor();
    await shots("dash-28-settings-error");
    // The collector form's own Discard (Settings → Snapshots has one too).
    await page
      .locator("form", { has: page.getByRole("button", { name: "Save settings" }) })
      .getByRole("button", { name: "Discard changes" })
      .click();
    await page.getByLabel("Events interval (ms)".replace("Events", "Engine events")).fill("4000");
    await page.getByLabel(/Notify when a workflow ends/).uncheck();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    const saved = (await api("GET", "/api/observability/settings")).body as {
      eventsIntervalMs: number;
      notifications: { workflows: boolean };
    };
    expect(saved.eventsIntervalMs).toBe(4000);
    expect(saved.notifications.workflows).toBe(false);
    // The theme choice here and the rail's follow each other.
    await page.getByRole("radio", { name: "Dark" }).check();
    expect(await rail().getByLabel("Theme").inputValue()).toBe("dark");
    await shot("dash-29-settings-dark");
    await page.getByRole("radio", { name: "Light" }).check();
    await shot("dash-29-settings-light");
  });

  it("reaches every screen, connection and tab, and a key, from the command palette", async () => {
    await go("#/overview");
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    const palette = await openPalette();
    await palette.getByRole("combobox").fill("ses");
    await shots("dash-30-command-palette");
    // Escape closes it and gives focus back.
    await page.keyboard.press("Escape");
    await palette.waitFor({ state: "hidden" });

    for (const [screen, heading] of [
      ["Alerts", "Alerts"],
      ["Settings", "Settings"],
      ["Overview", "Overview"],
    ] as const) {
      await runPalette(screen.toLowerCase(), new RegExp(`^${screen}`));
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    }
    // Focus lands on the new screen's heading (once it is drawn).
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");

    const tabs = ["Browser", "Console", "Server info", "Workflows", "History", "Dashboard"];
    for (const name of ["orders cache", "sessions", "fragments"]) {
      for (const tab of tabs) {
        const label = tab === "Browser" ? new RegExp(`^${name}`) : `${name} › ${tab}`;
        await runPalette(`${name} ${tab === "Browser" ? "" : tab}`.trim(), label);
        await page
          .getByRole("heading", { level: 1, name: new RegExp(name) })
          .first()
          .waitFor();
        // The heading can come a frame before the tab strip updates: wait for the selection.
        await expect
          .poll(() =>
            page.getByRole("tab", { name: tab, exact: true }).getAttribute("aria-selected"),
          )
          .toBe("true");
      }
    }

    // A key by its exact name on the open connection.
    await go(`#/c/${ids.orders}/history`);
    await page.getByRole("heading", { level: 1, name: "orders cache" }).waitFor();
    await runPalette("orders:2", 'Open key "orders:2" in orders cache');
    await page.getByRole("region", { name: "orders:2", exact: true }).waitFor();
    await expect
      .poll(() => page.getByRole("tab", { name: "Browser" }).getAttribute("aria-selected"))
      .toBe("true");
  });
});
