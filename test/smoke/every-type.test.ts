import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, newPage, requireWebBuild, shotsDir } from "../e2e/support.ts";
import {
  BUILT,
  type MemcachedServer,
  memcachedCommand,
  type RedisServer,
  startMemcached,
  startRedis,
} from "../harness/index.ts";
import { spawnCli } from "../support/cli.ts";

/**
 * The product as users run it: the studio started the way `npm start` starts it (node on the
 * built apps/studio/dist/cachify.js, in its own process) and the installed `cachify` binary. Every
 * value type is opened through the CLI, the studio's API and the UI in Chromium, on a Redis of
 * its own whose error counters prove nothing was answered WRONGTYPE along the way.
 */

const KEYS = {
  string: "smoke:string",
  hash: "smoke:hash",
  list: "smoke:list",
  set: "smoke:set",
  zset: "smoke:zset",
  stream: "smoke:stream",
} as const;

/** The studio process: the link it printed, its port, and its token. */
interface StudioProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
}

function startBuiltStudio(dataDir: string): Promise<StudioProcess> {
  const child = spawn(process.execPath, [BUILT.cli, "studio", "--no-open"], {
    env: { ...process.env, CACHIFY_HOME: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the studio did not start: ${out}`)), 30_000);
    const read = (d: Buffer) => {
      out += d;
      const m = /running: (http:\/\/127\.0\.0\.1:(\d+)\/\?code=\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      // The link is one-time (for the page); the API's token is in the instance file only.
      const info = JSON.parse(readFileSync(join(dataDir, "studio-instance.json"), "utf8"));
      resolve({ child, url: m[1]!, port: Number(m[2]), token: info.token });
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.on("exit", (code) => reject(new Error(`the studio exited (${code}): ${out}`)));
  });
}

describe("the built studio and CLI open every value type", () => {
  let redis: RedisServer;
  let memcached: MemcachedServer;
  let studio: StudioProcess;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  const ids = { redis: "", mc: "" };
  const env = () => ({ CACHIFY_HOME: dataDir });
  const api = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${studio.port}${path}`, {
      headers: { authorization: `Bearer ${studio.token}` },
    });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const wrongTypeReplies = async () =>
    Number(
      /errorstat_WRONGTYPE:count=(\d+)/.exec(await redis.command("INFO", "errorstats"))?.[1] ?? 0,
    );

  beforeAll(async () => {
    requireWebBuild();
    [redis, memcached] = await Promise.all([startRedis(), startMemcached()]);
    await redis.command("SET", KEYS.string, "plain text");
    await redis.command("HSET", KEYS.hash, "name", "Ada", "lang", "en");
    await redis.command("RPUSH", KEYS.list, "first", "second", "third");
    await redis.command("SADD", KEYS.set, "red", "green", "blue");
    await redis.command("ZADD", KEYS.zset, "1", "bronze", "2", "silver", "3", "gold");
    await redis.command("XADD", KEYS.stream, "1-1", "event", "signup");
    await redis.command("XADD", KEYS.stream, "1-2", "event", "login");
    await memcachedCommand(memcached.port, "set smoke:mc 0 0 11\r\nhello cache", "STORED\r\n");

    dataDir = mkdtempSync(join(tmpdir(), "cachify-smoke-"));
    for (const [name, url] of [
      ["smoke", redis.url],
      ["smokemc", memcached.url],
    ]) {
      const added = await spawnCli(["profile", "add", name!, "--url", url!], env());
      expect(added.code, added.stderr).toBe(0);
    }
    studio = await startBuiltStudio(dataDir);
    const { profiles } = await api("/api/profiles");
    ids.redis = profiles.find((p: { name: string }) => p.name === "smoke").id;
    ids.mc = profiles.find((p: { name: string }) => p.name === "smokemc").id;
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    await page.goto(studio.url);
    await page.getByRole("navigation", { name: "Connections" }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (studio) {
      const exited = new Promise((r) => studio.child.once("exit", r));
      studio.child.kill("SIGTERM");
      await exited;
    }
    await Promise.all([redis?.stop(), memcached?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("cachify get prints every type (the installed binary)", async () => {
    const get = async (key: string, profile = "smoke") => {
      const r = await spawnCli(["get", profile, key, "--json"], env());
      expect(r.code, r.stderr).toBe(0);
      return r.json<{ type: string; items?: Record<string, unknown>[]; value?: string }>();
    };
    expect((await get(KEYS.string)).value).toBe("plain text");
    const hash = await get(KEYS.hash);
    expect(hash.type).toBe("hash");
    expect(hash.items!.map((i) => `${i.field}=${i.value}`).sort()).toEqual(["lang=en", "name=Ada"]);
    expect((await get(KEYS.list)).items!.map((i) => i.value)).toEqual(["first", "second", "third"]);
    expect((await get(KEYS.set)).items!.map((i) => i.member).sort()).toEqual([
      "blue",
      "green",
      "red",
    ]);
    expect((await get(KEYS.zset)).items!.map((i) => `${i.member}:${i.score}`)).toEqual([
      "bronze:1",
      "silver:2",
      "gold:3",
    ]);
    expect((await get(KEYS.stream)).items!.map((i) => i.id)).toEqual(["1-1", "1-2"]);
    expect((await get("smoke:mc", "smokemc")).value).toBe("hello cache");
    const version = await spawnCli(["--version"], env());
    expect(version.stdout.trim()).toBe(VERSION);
    const text = await spawnCli(["get", "smoke", KEYS.hash], env());
    expect(text.stdout).toContain("Ada");
    expect(await wrongTypeReplies()).toBe(0);
  });

  it("the studio's API reads every type (the process npm start runs)", async () => {
    const page = (type: string, key: string) =>
      api(`/api/profiles/${ids.redis}/${type}?key=${encodeURIComponent(key)}`);
    // What the UI asks first for any key: its type, TTL and (for a string) value.
    for (const [type, key] of Object.entries(KEYS)) {
      const read = await api(`/api/profiles/${ids.redis}/key?key=${encodeURIComponent(key)}`);
      expect(read.type).toBe(type);
    }
    const str = await api(`/api/profiles/${ids.redis}/key?key=${KEYS.string}`);
    expect(str.value).toBe("plain text");
    expect((await page("hash", KEYS.hash)).items).toHaveLength(2);
    expect((await page("list", KEYS.list)).items.map((i: { value: string }) => i.value)).toEqual([
      "first",
      "second",
      "third",
    ]);
    expect((await page("set", KEYS.set)).items).toHaveLength(3);
    expect((await page("zset", KEYS.zset)).items[2].member).toBe("gold");
    expect((await page("stream", KEYS.stream)).items[1].fields[0].value).toBe("login");
    const mc = await api(`/api/profiles/${ids.mc}/key?key=smoke:mc`);
    expect(mc.value).toBe("hello cache");
    expect(await wrongTypeReplies()).toBe(0);
  });

  it("the UI in Chromium opens every type", async () => {
    await page.evaluate((h) => {
      location.hash = h;
    }, `#/c/${ids.redis}/browser`);
    const goTo = async (key: string) => {
      const input = page.getByRole("textbox", { name: "Go to key (exact name)" });
      await input.fill(key);
      await input.press("Enter");
      return page.getByRole("region", { name: key, exact: true });
    };
    const shown: Record<string, string> = {};
    for (const [type, key] of Object.entries(KEYS)) {
      const panel = await goTo(key);
      await panel.waitFor();
      const expectText = {
        string: "plain text",
        hash: "Ada",
        list: "third",
        set: "green",
        zset: "silver",
        stream: "login",
      }[type]!;
      await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain(expectText);
      shown[type] = (await panel.textContent()) ?? "";
      expect(shown[type]).not.toContain("WRONGTYPE");
      await page.screenshot({ path: join(shotsDir, `smoke-${type}.png`) });
    }
    expect(pageErrors).toEqual([]);
    expect(await wrongTypeReplies()).toBe(0);
  });
});
