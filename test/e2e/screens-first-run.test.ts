import type { RunningStudio } from "@cachify/studio";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { freePort, type MemcachedServer, type RedisServer } from "../harness/index.ts";
import { useScreensStudio } from "./screens-fixture.ts";

/**
 * Getting connected in Chromium, from a first run: Get started finds the harness's Redis and
 * Memcached through the studio's own detection and one click saves each; connection imports (a
 * malformed file refused whole, then a RedisInsight export, a URL list and a V1 file); the
 * add-connection dialog's test before saving and its focus handling. Each screen gets the checks
 * of screens-fixture.ts. The walk through every screen is in screens.test.ts.
 */

describe("first run, imports and the add-connection dialog in Chromium", () => {
  const sc = useScreensStudio(false);
  const { api, rail, screen } = sc;
  const names = { redis: "", memcached: "" };
  const ids: Record<string, string> = {};
  let redis: RedisServer;
  let memcached: MemcachedServer;
  let studio: RunningStudio;
  let page: Page;
  beforeAll(() => {
    ({ studio, page } = sc.s);
    ({ redis, memcached } = sc.servers);
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
});
