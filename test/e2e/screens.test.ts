import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { palette } from "./palette.ts";
import { useScreensStudio } from "./screens-fixture.ts";

/**
 * Every screen in Chromium, light and dark, each reached through the command palette (Ctrl+K):
 * Connections, Key Browser (value open, prod, read-only, Memcached), Console, Server Info,
 * Workflow Templates, Execution History, Rollback, Dashboard, Overview, Alerts, Settings, Get
 * started. Each screen must show its heading and content, no error boundary, and every control
 * must have an accessible name (screens-fixture.ts). The connections are those a first run and the
 * imports of screens-first-run.test.ts leave: the two servers found (dev), "sessions" (staging),
 * "orders" (prod, database 1) and "legacy" (dev).
 */

describe("every screen, light and dark, through the command palette", () => {
  const names = { redis: "", memcached: "" };
  const ids: Record<string, string> = {};
  const sc = useScreensStudio("", (studio, { redis, memcached }) => {
    const p = studio.app.profiles;
    names.redis = `local redis ${redis.port}`;
    names.memcached = `local memcached ${memcached.port}`;
    ids.redis = p.create({ name: names.redis, url: redis.url, environment: "dev" }).id;
    ids.memcached = p.create({ name: names.memcached, url: memcached.url, environment: "dev" }).id;
    ids.sessions = p.create({ name: "sessions", url: redis.url, environment: "staging" }).id;
    ids.orders = p.create({
      name: "orders",
      url: `redis://127.0.0.1:${redis.port}/1`,
      environment: "prod",
    }).id;
    ids.legacy = p.create({ name: "legacy", url: redis.url, environment: "dev" }).id;
  });
  const { api, walked, noErrorBoundary, unnamedControls, screen } = sc;
  let page: Page;
  let errors: string[];
  let runPalette: ReturnType<typeof palette>["runPalette"];
  beforeAll(() => {
    ({ page, errors } = sc.s);
    ({ runPalette } = palette(page));
  });

  /** A guarded API call: the 428's challenge answered as the dialog would. */
  const confirmed = async (method: string, path: string, body: Record<string, unknown>) => {
    const first = await api(method, path, body);
    expect(first.status).toBe(428);
    const d = first.body.error.details;
    const confirm = {
      challengeId: d.challengeId,
      ...(d.type?.count !== undefined ? { count: d.type.count } : {}),
      ...(d.type?.name !== undefined ? { typedName: d.type.name } : {}),
    };
    const second = await api(method, path, { ...body, confirm, wait: true });
    expect(second.status, JSON.stringify(second.body)).toBeLessThan(300);
    return second.body;
  };

  it("forces read-only on staging from its top bar, with a reason shown on the lock", async () => {
    await runPalette("sessions", /^sessions/);
    await page.getByRole("heading", { level: 1, name: "sessions" }).waitFor();
    await page.getByRole("switch", { name: "Force read-only" }).click();
    const d = page.getByRole("dialog", { name: "Force sessions read-only" });
    await d.waitFor();
    expect(await unnamedControls()).toEqual([]);
    await d.getByLabel("Reason (shown with the lock)").fill("change freeze");
    await d.getByRole("button", { name: "Force read-only" }).click();
    await d.waitFor({ state: "hidden" });
    await expect
      .poll(() =>
        page.getByRole("switch", { name: "Force read-only" }).getAttribute("aria-checked"),
      )
      .toBe("true");
    // Focus came back to the switch that opened the dialog.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("role")))
      .toBe("switch");
  });

  it("has history to show: a confirmed workflow and a guarded edit, through the API", async () => {
    const plan = await api("POST", "/api/workflows/plans", {
      template: "delete-by-pattern",
      profileId: ids.redis,
      params: { pattern: "walk:tmp:*" },
      wait: "complete",
    });
    expect(plan.status).toBe(201);
    expect(plan.body.matched).toBe(40);
    const done = await confirmed("POST", `/api/workflows/plans/${plan.body.planId}/apply`, {});
    expect(done.status).toBe("succeeded");
    await confirmed("PUT", `/api/profiles/${ids.redis}/string`, {
      key: "walk:config",
      value: '{"theme":"light"}',
    });
  });

  for (const theme of ["light", "dark"] as const) {
    it(`walks every screen in the ${theme} theme through the palette`, async () => {
      await runPalette(`theme ${theme}`, `Theme: ${theme}`);
      await expect
        .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
        .toBe(theme);
      const tab = (name: string) => page.getByRole("tab", { name, exact: true });
      const selected = async (name: string) =>
        expect.poll(() => tab(name).getAttribute("aria-selected")).toBe("true");
      const r = names.redis;

      await runPalette("connections", /^Connections/);
      await screen(
        theme,
        "connections",
        page.getByRole("table", { name: "Production connections" }),
      );

      expect(await page.getByRole("table", { name: "Staging connections" }).textContent()).toMatch(
        /Read-only/,
      );

      await runPalette(r, new RegExp(`^${r}`));
      await page.getByRole("heading", { level: 1, name: r }).waitFor();
      await selected("Browser");
      await runPalette("walk:user:1", `Open key "walk:user:1" in ${r}`);
      const value = page.getByRole("region", { name: "walk:user:1", exact: true });
      await value.getByText("Ada").waitFor();
      await screen(theme, "key-browser", value);

      await runPalette(`${r} console`, `${r} › Console`);
      await selected("Console");
      const command = page.getByRole("textbox", { name: "Command" });
      await command.fill("HGETALL walk:user:1");
      await command.press("Enter");
      // The console keeps its output across the walk: the second theme finds two answers.
      await page
        .getByRole("log", { name: "Console output" })
        .getByText(/"admin"/)
        .last()
        .waitFor();
      await screen(theme, "console", command);

      await runPalette(`${r} server info`, `${r} › Server info`);
      await selected("Server info");
      await screen(theme, "server-info", page.getByRole("table", { name: "Keys per database" }));

      await runPalette(`${r} workflow templates`, `${r} › Workflow templates`);
      await selected("Workflows");
      await selected("Templates");
      await screen(
        theme,
        "workflow-templates",
        page.getByRole("navigation", { name: "Templates" }),
      );

      await runPalette(`${r} execution history`, `${r} › Execution history`);
      await selected("Execution history");
      await screen(
        theme,
        "execution-history",
        page
          .getByRole("table", { name: `Executions on ${r}` })
          .getByText("succeeded")
          .first(),
      );

      await runPalette(`${r} rollback`, `${r} › Rollback`);
      const rollback = page.getByRole("dialog", { name: "Rollback · recent changes" });
      await screen(theme, "rollback", rollback.getByRole("table", { name: "Snapshots" }));
      await page.keyboard.press("Escape");
      await rollback.waitFor({ state: "hidden" });

      await runPalette(`${r} dashboard`, `${r} › Dashboard`);
      await selected("Dashboard");
      await screen(theme, "dashboard", page.getByRole("region", { name: "Trends" }));

      await runPalette("orders", /^orders/);
      await page.getByRole("heading", { level: 1, name: "orders" }).waitFor();
      await screen(
        theme,
        "prod-key-browser",
        page.getByText(/changes here affect live traffic/i).first(),
      );

      await runPalette("sessions", /^sessions/);
      await page.getByRole("heading", { level: 1, name: "sessions" }).waitFor();
      await screen(
        theme,
        "read-only-key-browser",
        page.getByRole("list", { name: "Connection policy" }).getByText("Read-only"),
      );

      await runPalette(names.memcached, new RegExp(`^${names.memcached}`));
      await page.getByRole("heading", { level: 1, name: names.memcached }).waitFor();
      // Memcached's listing is best-effort (metadump), and the browser says so.
      await screen(theme, "memcached-key-browser", page.getByRole("note").first());

      await runPalette("overview", /^Overview/);
      await screen(theme, "overview", page.getByRole("heading", { level: 1, name: "Overview" }));

      await runPalette("alerts", /^Alerts/);
      await screen(theme, "alerts", page.getByRole("heading", { level: 1, name: "Alerts" }));

      await runPalette("settings", /^Settings/);
      await screen(theme, "settings", page.getByRole("heading", { level: 1, name: "Settings" }));

      await runPalette("get started", /^Get started/);
      await screen(
        theme,
        "get-started",
        page.getByRole("region", { name: "Environments and read-only" }),
      );
      // Focus followed the palette to the new screen's heading.
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    }, 120_000);
  }

  it("reaches the frequent actions from the palette: new key, test connection", async () => {
    await runPalette(names.redis, new RegExp(`^${names.redis}`));
    await runPalette("new key", `New key in ${names.redis}…`);
    const create = page.getByRole("dialog", { name: `New key in ${names.redis}` });
    await create.waitFor();
    await noErrorBoundary();
    expect(await unnamedControls()).toEqual([]);
    await page.keyboard.press("Escape");
    await create.waitFor({ state: "hidden" });
    await runPalette("test connection", `Test connection ${names.redis}`);
    await page
      .getByRole("region", { name: names.redis, exact: true })
      .getByText(/^Reachable · /)
      .waitFor();
    // Alt+2 switches to the second tab (Console).
    await page.keyboard.press("Alt+2");
    await expect
      .poll(() => page.getByRole("tab", { name: "Console" }).getAttribute("aria-selected"))
      .toBe("true");
  });

  it("walked the same screens in both themes and logged no errors in the page", () => {
    expect(walked.dark).toEqual(
      (walked.light ?? []).filter(
        (s) => !["first-run", "import-error", "add-connection-test-failed"].includes(s),
      ),
    );
    expect(walked.light).toEqual(
      expect.arrayContaining([
        "connections",
        "key-browser",
        "console",
        "server-info",
        "workflow-templates",
        "execution-history",
        "rollback",
        "dashboard",
        "overview",
        "alerts",
        "settings",
        "get-started",
      ]),
    );
    expect(errors).toEqual([]);
  });
});
