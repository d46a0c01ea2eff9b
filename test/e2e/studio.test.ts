import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { launchChromium, newPage, requireWebBuild, shotsDir as shots } from "./support.ts";

const PREFIX = "e2e:";
const GREETING = "hello from cachify, in plain text";
const USER = JSON.stringify({ id: 1, name: "Ada", roles: ["admin", "ops"] });
const BINARY = "\u0000\u0001\u0002bin\u0007\u001f";
const BULK = Array.from({ length: 150 }, (_, i) => `${PREFIX}bulk:${String(i).padStart(3, "0")}`);
const SEEDED = [
  `${PREFIX}greeting`,
  `${PREFIX}user:1`,
  `${PREFIX}bin`,
  `${PREFIX}hash`,
  `${PREFIX}list`,
  ...BULK,
];

describe("studio in Chromium", () => {
  const { redis } = inject("servers");
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) });
  const keyList = () => page.getByRole("listbox", { name: /^Keys matching / });

  /** The list is virtualized: scroll it until the key's row is rendered, then click it. */
  async function pickKey(name: string) {
    const list = keyList();
    const option = list.getByRole("option", { name, exact: true });
    await list.evaluate(async (el) => {
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    for (let i = 0; i < 200 && !(await option.isVisible()); i++) {
      const moved = await list.evaluate(async (el) => {
        const before = el.scrollTop;
        el.scrollTop += el.clientHeight * 0.8;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return el.scrollTop !== before;
      });
      if (!moved && !(await option.isVisible())) throw new Error(`${name} is not in the key list`);
    }
    await option.click();
  }

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-"));

    await rawCommand(redis.port, ["SET", `${PREFIX}greeting`, GREETING]);
    await rawCommand(redis.port, ["SET", `${PREFIX}user:1`, USER, "EX", "3600"]);
    await rawCommand(redis.port, ["SET", `${PREFIX}bin`, BINARY]);
    await rawCommand(redis.port, ["HSET", `${PREFIX}hash`, "field", "value"]);
    await rawCommand(redis.port, ["RPUSH", `${PREFIX}list`, "a", "b"]);
    await rawCommand(redis.port, ["MSET", ...BULK.flatMap((k) => [k, "x"])]);

    studio = await startStudio({ dataDir, port: 0 });
    browser = await launchChromium();
    // Answers with an error status are expected (428, 403, 409); anything else is recorded.
    ({ page, errors: pageErrors } = await newPage(browser, {
      width: 1280,
      height: 800,
      timeoutMs: 10_000,
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await rawCommand(redis.port, ["DEL", ...SEEDED]).catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("opens on the first-run screen (Get started), with the link's one-time code traded for the session", async () => {
    await page.goto(studio.url);
    await expect
      .poll(() => page.getByRole("heading", { level: 1, name: "Get started" }).isVisible())
      .toBe(true);
    expect(page.url()).not.toContain("code=");
    await shot("01-first-run");
  });

  it("shows the server's validation message inline, then adds a connection", async () => {
    await page.getByRole("button", { name: "Add connection", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Add connection" });
    await dialog.waitFor();

    await dialog.getByLabel("Name").fill("e2e local");
    await dialog.getByLabel("URL").fill("redis://127.0.0.1:notaport");
    await dialog.getByRole("button", { name: "Save connection" }).click();
    const error = dialog.getByRole("alert");
    await error.waitFor();
    const message = await error.textContent();
    expect(message).toMatch(/not (a connection URL|host:port)/);
    expect(message).not.toMatch(/\n\s+at /);
    expect(await dialog.getByLabel("URL").getAttribute("aria-invalid")).toBe("true");
    await shot("02-add-connection-error");

    await dialog.getByLabel("URL").fill(`redis://127.0.0.1:${redis.port}`);
    await dialog.getByLabel("Environment").selectOption("dev");
    await dialog.getByLabel("Timeout (ms)").fill("3000");
    await dialog.getByRole("button", { name: "Save connection" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("heading", { level: 1, name: "e2e local" }).waitFor();
    await page
      .getByRole("navigation", { name: "Connections" })
      .getByRole("link", { name: "e2e local" })
      .waitFor();
    expect(await page.getByRole("list", { name: "Connection policy" }).textContent()).toContain(
      "timeout 3,000 ms",
    );
  });

  it("filters keys by pattern and lists them with type and TTL", async () => {
    const pattern = page.getByRole("searchbox", { name: "Key pattern" });
    await pattern.fill(`${PREFIX}*`);
    await pattern.press("Enter");

    const list = page.getByRole("listbox", { name: `Keys matching ${PREFIX}*` });
    await list.getByRole("option").first().waitFor();

    // Page through until the scan is done; then every seeded key is loaded, nothing else.
    const loadMore = page.getByRole("button", { name: "Load more" });
    for (let i = 0; i < 50 && (await loadMore.isVisible()); i++) await loadMore.click();
    await expect
      .poll(() => page.getByText(/matching keys/).textContent())
      .toMatch(
        new RegExp(`^${SEEDED.length} matching keys( · [\\d,]+ in the database)? · scan complete$`),
      );
    // Virtualized: far fewer rows in the DOM than keys loaded.
    expect(await list.getByRole("option").count()).toBeLessThan(SEEDED.length);
    expect(await list.getByRole("option").first().getAttribute("aria-setsize")).toBe(
      String(SEEDED.length),
    );
    await shot("03-browser-filtered");
  });

  it("opens a string value as text, JSON and hex", async () => {
    const value = page.getByRole("region", { name: "Value", exact: true });

    await pickKey(`${PREFIX}greeting`);
    await expect.poll(() => value.textContent()).toBe(GREETING);
    await shot("04-value-text");

    await pickKey(`${PREFIX}user:1`);
    await expect.poll(() => value.textContent()).toBe(USER);
    await page.getByRole("radio", { name: "JSON" }).check();
    await expect.poll(() => value.textContent()).toBe(JSON.stringify(JSON.parse(USER), null, 2));
    await shot("05-value-json");

    await pickKey(`${PREFIX}bin`);
    await expect.poll(() => value.textContent()).toContain("00 01 02 62 69 6e 07 1f");
    expect(await page.getByRole("radio", { name: "Text" }).isDisabled()).toBe(true);
    await shot("06-value-binary");

    // The keyboard moves the selection too (the listbox handles arrows, Home and End).
    // The value panel is a region named after the key it shows.
    const panelFor = (key: string | null) =>
      page.getByRole("region", { name: key ?? "", exact: true });
    await keyList().press("Home");
    const first = await keyList()
      .getByRole("option", { selected: true })
      .getAttribute("aria-label");
    await panelFor(first).waitFor();
    await keyList().press("ArrowDown");
    const second = await keyList()
      .getByRole("option", { selected: true })
      .getAttribute("aria-label");
    expect(second).not.toBe(first);
    await panelFor(second).waitFor();
  });

  it("lists the reads in the History tab and appends new ones live", async () => {
    await page.getByRole("tab", { name: "History" }).click();
    const table = page.getByRole("table", { name: "History of e2e local" });
    const getRow = (key: string) =>
      table
        .getByRole("row")
        .filter({ has: page.getByRole("cell", { name: key, exact: true }) })
        .filter({ has: page.getByRole("cell", { name: /^get\b/ }) });
    await getRow(`${PREFIX}greeting`).first().waitFor();
    expect(await getRow(`${PREFIX}greeting`).first().textContent()).toMatch(/ok/);
    await shot("07-history");

    // A read made now arrives over the WebSocket, with no refetch of the (still mounted) tab.
    let historyFetches = 0;
    const countFetches = (r: { url(): string }) => {
      if (r.url().includes("/api/history")) historyFetches++;
    };
    page.on("request", countFetches);
    await page.getByRole("tab", { name: "Browser" }).click();
    await pickKey(`${PREFIX}hash`);
    await page.getByRole("table", { name: `fields of ${PREFIX}hash` }).waitFor();
    await page.getByRole("tab", { name: "History" }).click();
    await getRow(`${PREFIX}hash`).first().waitFor();
    page.off("request", countFetches);
    expect(historyFetches).toBe(0);
    expect(await page.getByText("Live", { exact: true }).isVisible()).toBe(true);
  });

  it("marks a read-only production connection in the rail and the top bar", async () => {
    await page.getByRole("button", { name: "Add connection", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Add connection" });
    await dialog.getByLabel("Name").fill("orders prod");
    await dialog.getByLabel("URL").fill(`redis://127.0.0.1:${redis.port}`);
    await dialog.getByLabel("Environment").selectOption("prod");
    await dialog.getByRole("checkbox", { name: /Read-only/ }).check();
    await dialog.getByRole("button", { name: "Save connection" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("heading", { level: 1, name: "orders prod" }).waitFor();
    await page.getByText(/^PRODUCTION · orders prod/).waitFor();
    const rail = page.getByRole("navigation", { name: "Connections" });
    const lock = rail.getByRole("region", { name: "Production" }).locator(".lock");
    expect(await lock.getAttribute("title")).toBe("Read-only: profile is read-only");
    await page.getByRole("searchbox", { name: "Key pattern" }).fill(`${PREFIX}user*`);
    await page.getByRole("searchbox", { name: "Key pattern" }).press("Enter");
    await page.getByRole("option", { name: `${PREFIX}user:1`, exact: true }).click();
    await page.getByRole("radio", { name: "JSON" }).waitFor();
    await shot("08-prod-read-only");

    await rail.getByLabel("Theme").selectOption("dark");
    await shot("09-prod-dark");
    await rail.getByLabel("Theme").selectOption("system");
  });

  it("logged no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
