import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RunningStudio } from "@cachify/studio";
import type { Locator } from "playwright-core";
import { expect } from "vitest";
import {
  type MemcachedServer,
  type RedisServer,
  startMemcached,
  startRedis,
} from "../harness/index.ts";
import { useStudioPage } from "./studio-page.ts";
import { root } from "./support.ts";

/**
 * The studio of the screen walks (screens*.test.ts): a Redis and a Memcached of its own with a few
 * keys, a developer's shell pointing at them (what Get started detects), and the checks every
 * screen gets: its content shows, no error boundary, every control has an accessible name
 * (Chromium's own accessibility tree), then a screenshot: test-artifacts/screens/<theme>-<screen>.png.
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

interface Servers {
  redis: RedisServer;
  memcached: MemcachedServer;
}

/**
 * `open`: the hash the page opens at, or false to leave the first visit to the suite; `started`:
 * profiles made once the studio runs (none: the suite starts from a first run).
 */
export function useScreensStudio(
  open: string | false,
  started?: (studio: RunningStudio, servers: Servers) => void,
) {
  const servers = {} as Servers;
  /** Screens walked, per theme: the done-when of issue 8 lists them. */
  const walked: Record<string, string[]> = { light: [], dark: [] };

  const s = useStudioPage({
    name: "screens",
    async before() {
      mkdirSync(screensDir, { recursive: true });
      const [redis, memcached] = await Promise.all([startRedis(), startMemcached()]);
      Object.assign(servers, { redis, memcached });
      await redis.command("HSET", "walk:user:1", "name", "Ada", "role", "admin", "team", "core");
      await redis.command("SET", "walk:config", '{"theme":"dark","flags":["a","b"]}');
      await redis.command("RPUSH", "walk:queue", "job-1", "job-2", "job-3");
      await redis.command("ZADD", "walk:scores", "10", "ada", "7", "bob");
      for (let i = 0; i < 40; i++)
        await redis.command("SET", `walk:tmp:${i}`, `v${i}`, "EX", "3600");
      await memcached.command(`set walk:fragment 0 3600 5\r\nhello`);
    },
    studio: () => ({
      // A developer's shell pointing at the harness's servers (the default ports are looked at too).
      onboarding: {
        env: {
          REDIS_URL: servers.redis.url,
          MEMCACHED_SERVERS: `127.0.0.1:${servers.memcached.port}`,
        },
      },
      collector: { desktop: { send: async () => {} } },
    }),
    started: (studio) => started?.(studio, servers),
    page: { width: 1360, height: 820 },
    open,
    async after() {
      await Promise.all([servers.redis?.stop(), servers.memcached?.stop()]);
    },
  });

  const noErrorBoundary = async () =>
    expect(await s.page.getByText(ERROR_BOUNDARY).count(), "the error boundary showed").toBe(0);

  /** Controls without an accessible name, as Chromium computes it (CDP accessibility tree). */
  const unnamedControls = async (): Promise<string[]> => {
    const cdp = await s.page.context().newCDPSession(s.page);
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
    await s.page.waitForTimeout(250);
    await s.page.screenshot({ path: join(screensDir, `${theme}-${name}.png`) });
    walked[theme]!.push(name);
  };

  const api = (method: string, path: string, body?: unknown) => s.h.api(method, path, body);

  return {
    s,
    servers,
    walked,
    api,
    noErrorBoundary,
    unnamedControls,
    screen,
    rail: () => s.page.getByRole("navigation", { name: "Connections" }),
  };
}
