import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  type MemcachedServer,
  type RedisServer,
  startMemcached,
  startRedis,
} from "../harness/index.ts";
import { helpers, launchChromium, newPage, requireWebBuild, root } from "./support.ts";

/**
 * Every screen in Chromium, light and dark, each reached through the command palette (Ctrl+K):
 * first run (Get started finds the harness's Redis and Memcached through the studio's own
 * detection, one click saves each), connection imports (a malformed file refused whole, then a
 * RedisInsight export, a URL list and a V1 file), the add-connection dialog's test before saving
 * and its focus handling, then the walk: Connections, Key Browser (value open, prod, read-only,
 * Memcached), Console, Server Info, Workflow Templates, Execution History, Rollback, Dashboard,
 * Overview, Alerts, Settings, Get started. Each screen must show its heading and content, no
 * error boundary, and every control must have an accessible name (Chromium's own accessibility
 * tree). Screenshots: test-artifacts/screens/<theme>-<screen>.png.
 */

const screensDir = join(root, "test-artifacts", "screens");
const ERROR_BOUNDARY = "This window hit an unexpected problem";
/** Roles of controls: each must have a non-empty accessible name. */
const CONTROL_ROLES = new Set([
  "button",
  "checkbox",
  "combobox",
  "link",
  "listbox",
  "menuitem",
  "option",
  "radio",
  "searchbox",
  "slider",
  "spinbutton",
  "switch",
  "tab",
  "textbox",
]);

describe("every screen, light and dark, through the command palette", () => {
  let redis: RedisServer;
  let memcached: MemcachedServer;
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dataDir: string;
  let h: ReturnType<typeof helpers>;
  const names = { redis: "", memcached: "" };
  const ids: Record<string, string> = {};
  /** Screens walked, per theme: the done-when of issue 8 lists them. */
  const walked: Record<string, string[]> = { light: [], dark: [] };

  const rail = () => page.getByRole("navigation", { name: "Connections" });
  const noErrorBoundary = async () =>
    expect(await page.getByText(ERROR_BOUNDARY).count(), "the error boundary showed").toBe(0);

  const openPalette = async () => {
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("dialog", { name: "Command palette" });
    await palette.waitFor();
    return palette;
  };
  /** Types into the palette, arrows down to the option, Enter: the keyboard path. */
  const runPalette = async (query: string, option: string | RegExp) => {
    const palette = await openPalette();
    const input = palette.getByRole("combobox", { name: "Go to a screen, connection or key" });
    await input.fill(query);
    const opt = palette.getByRole("option", { name: option }).first();
    await opt.waitFor();
    for (let i = 0; i < 80 && (await opt.getAttribute("aria-selected")) !== "true"; i++)
      await input.press("ArrowDown");
    expect(await opt.getAttribute("aria-selected")).toBe("true");
    await input.press("Enter");
    await palette.waitFor({ state: "hidden" });
  };

  /** Controls without an accessible name, as Chromium computes it (CDP accessibility tree). */
  const unnamedControls = async (): Promise<string[]> => {
    const cdp = await page.context().newCDPSession(page);
    try {
      await cdp.send("Accessibility.enable");
      const { nodes } = await cdp.send("Accessibility.getFullAXTree");
      const out: string[] = [];
      for (const n of nodes) {
        const role = String(n.role?.value ?? "");
        if (n.ignored || !CONTROL_ROLES.has(role)) continue;
        if (String(n.name?.value ?? "").trim() !== "") continue;
        let html = "";
        if (n.backendDOMNodeId !== undefined) {
          const r = await cdp
            .send("DOM.getOuterHTML", { backendNodeId: n.backendDOMNodeId })
            .catch(() => ({ outerHTML: "?" }));
          html = r.outerHTML.slice(0, 160);
        }
        out.push(`${role}: ${html}`);
      }
      return out;
    } finally {
      await cdp.detach();
    }
  };

  /** The checks every screen gets, then its screenshot. */
  const screen = async (theme: "light" | "dark", name: string, ready: Locator) => {
    await ready.waitFor();
    await noErrorBoundary();
    expect(await unnamedControls(), `controls without a name on ${name} (${theme})`).toEqual([]);
    // Animations and late pushes settle before the picture.
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(screensDir, `${theme}-${name}.png`) });
    walked[theme]!.push(name);
  };

  const api = (method: string, path: string, body?: unknown) => h.api(method, path, body);
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

  beforeAll(async () => {
    requireWebBuild();
    mkdirSync(screensDir, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-screens-"));
    [redis, memcached] = await Promise.all([startRedis(), startMemcached()]);
    await redis.command("HSET", "walk:user:1", "name", "Ada", "role", "admin", "team", "core");
    await redis.command("SET", "walk:config", '{"theme":"dark","flags":["a","b"]}');
    await redis.command("RPUSH", "walk:queue", "job-1", "job-2", "job-3");
    await redis.command("ZADD", "walk:scores", "10", "ada", "7", "bob");
    for (let i = 0; i < 40; i++) await redis.command("SET", `walk:tmp:${i}`, `v${i}`, "EX", "3600");
    await memcached.command(`set walk:fragment 0 3600 5\r\nhello`);
    studio = await startStudio({
      dataDir,
      port: 0,
      // A developer's shell pointing at the harness's servers (the default ports are looked at too).
      onboarding: {
        env: {
          REDIS_URL: redis.url,
          MEMCACHED_SERVERS: `127.0.0.1:${memcached.port}`,
        },
      },
      collector: { desktop: { send: async () => {} } },
    });
    browser = await launchChromium();
    ({ page, errors } = await newPage(browser, { width: 1360, height: 820 }));
    h = helpers(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await Promise.all([redis?.stop(), memcached?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("first run lands on Get started, which finds both servers; one click saves each", async () => {
    await page.goto(studio.url);
    await page.getByRole("heading", { level: 1, name: "Get started" }).waitFor();
    expect(page.url()).toMatch(/#\/get-started$/);
    const found = page.getByRole("list", { name: "Servers found" });
    const redisCard = found.getByRole("listitem").filter({ hasText: `127.0.0.1:${redis.port}` });
    const mcCard = found.getByRole("listitem").filter({ hasText: `127.0.0.1:${memcached.port}` });
    await redisCard.waitFor();
    expect(await redisCard.textContent()).toMatch(/Redis \d+\.\d+\.\d+/);
    expect(await redisCard.textContent()).toMatch(/from REDIS_URL/);
    expect(await mcCard.textContent()).toMatch(/Memcached \d+\.\d+/);
    await screen("light", "first-run", found);

    await redisCard.getByRole("button", { name: /as a dev connection$/ }).click();
    await redisCard.getByText(/Added as/).waitFor();
    await mcCard.getByRole("button", { name: /as a dev connection$/ }).click();
    await mcCard.getByText(/Added as/).waitFor();
    // Still on Get started (a first run does not jump away while you add), the rail has both.
    expect(page.url()).toMatch(/#\/get-started$/);
    const profiles = (await api("GET", "/api/profiles")).body.profiles as {
      id: string;
      name: string;
      engine: string;
      environment: string;
    }[];
    const r = profiles.find((p) => p.engine === "redis")!;
    const m = profiles.find((p) => p.engine === "memcached")!;
    expect([r.name, r.environment]).toEqual([`local redis ${redis.port}`, "dev"]);
    expect(m.name).toBe(`local memcached ${memcached.port}`);
    names.redis = r.name;
    names.memcached = m.name;
    ids.redis = r.id;
    ids.memcached = m.id;
    await rail()
      .getByRole("link", { name: new RegExp(`^${names.memcached}`) })
      .waitFor();
  });

  it("imports connection files: a malformed one refused whole, then RedisInsight, URLs and V1", async () => {
    const section = page.getByRole("region", { name: "Import connections" });
    const file = section.getByLabel("Connections file");
    const before = (await api("GET", "/api/profiles")).body.profiles.length;

    // A RedisInsight export with one good and one broken entry: nothing is imported.
    await file.setInputFiles({
      name: "redisinsight.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify([
          { host: "127.0.0.1", port: redis.port, name: "fine", connectionType: "STANDALONE" },
          { host: "127.0.0.1", port: "sixty", name: "broken", connectionType: "STANDALONE" },
        ]),
      ),
    });
    await section.getByRole("button", { name: "Import" }).click();
    const alert = section.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Nothing was imported.*entry 2 \(broken\): port must be a whole number/,
    );
    expect((await api("GET", "/api/profiles")).body.profiles.length).toBe(before);
    await screen("light", "import-error", alert);

    // A good RedisInsight export as staging: checked first, then imported.
    await file.setInputFiles({
      name: "redisinsight.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify([
          {
            host: "127.0.0.1",
            port: redis.port,
            name: "sessions",
            db: 0,
            connectionType: "STANDALONE",
          },
        ]),
      ),
    });
    await section.getByLabel("Environment for the imported connections").selectOption("staging");
    await section.getByRole("button", { name: "Check the file" }).click();
    await section.getByText("Ready to import 1 connection").waitFor();
    expect(await section.getByRole("status").textContent()).toMatch(/RedisInsight database export/);
    await section.getByRole("button", { name: "Import" }).click();
    await section.getByText("Imported 1 connection").waitFor();

    // A pasted URL list as prod.
    const paste = section.getByLabel(/paste the content|Content of/);
    await paste.fill(`# from the wiki\norders redis://127.0.0.1:${redis.port}/1\n`);
    await section.getByLabel("Environment for the imported connections").selectOption("prod");
    await section.getByRole("button", { name: "Import" }).click();
    await section.getByText("Imported 1 connection").waitFor();
    expect(await section.getByRole("status").textContent()).toMatch(/list of connection URLs/);

    // A V1 export file.
    await file.setInputFiles({
      name: "v1-export.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify({ version: 1, profiles: [{ name: "legacy", url: redis.url }] }),
      ),
    });
    await section.getByRole("button", { name: "Import" }).click();
    await section.getByText("Imported 1 connection").waitFor();
    expect(await section.getByRole("status").textContent()).toMatch(/Cachify Studio export/);

    const all = (await api("GET", "/api/profiles")).body.profiles as {
      id: string;
      name: string;
      environment: string;
    }[];
    const env = Object.fromEntries(all.map((p) => [p.name, p.environment]));
    expect(env).toMatchObject({ sessions: "staging", orders: "prod", legacy: "dev" });
    for (const p of all) ids[p.name] = p.id;
  });

  it("the add-connection dialog tests before saving, keeps focus inside and gives it back", async () => {
    const add = rail().getByRole("button", { name: "Add connection", exact: true });
    await add.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Add connection" });
    await dialog.waitFor();
    const nameId = await dialog.getByLabel("Name").getAttribute("id");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(nameId);
    // Tab and Shift+Tab cycle inside the modal dialog.
    for (const key of ["Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Shift+Tab"]) {
      await page.keyboard.press(key);
      const inside = await page.evaluate(
        () => document.activeElement?.closest("dialog[open]") !== null,
      );
      expect(inside, `focus left the dialog after ${key}`).toBe(true);
    }

    const nobody = await freePort();
    await dialog.getByLabel("URL").fill(`redis://127.0.0.1:${nobody}`);
    await dialog.getByRole("button", { name: "Test connection" }).click();
    const failed = dialog.getByRole("alert");
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/^Connection test failed: /);
    expect(await dialog.getByLabel("URL").getAttribute("aria-invalid")).toBe("true");
    await screen("light", "add-connection-test-failed", failed);

    await dialog.getByLabel("URL").fill(`redis://127.0.0.1:${redis.port}`);
    await dialog.getByRole("button", { name: "Test connection" }).click();
    await dialog.getByText(/^Reachable · /).waitFor();
    // Nothing was saved by testing.
    expect((await api("GET", "/api/profiles")).body.profiles).toHaveLength(5);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe("Add connection");
  });

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
