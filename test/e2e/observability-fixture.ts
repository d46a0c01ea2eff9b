import { expect } from "vitest";
import {
  type MemcachedServer,
  type RedisServer,
  startMemcached,
  startRedis,
} from "../harness/index.ts";
import { studioApi } from "../support/studio-api.ts";
import { useStudioPage } from "./studio-page.ts";

/**
 * The studio of the observability suites (dashboard*.test.ts): two Redis servers and a Memcached
 * of its own ("orders cache" on prod, "sessions" on staging, "fragments" on dev, each with a
 * 500 ms timeout so a frozen server is called down within a poll or two), a 250 ms poll set
 * through the settings API, an entry in the engine's slow log, and desktop notifications
 * recorded instead of shown.
 */

export const SECRET_VALUE = "s3cret-value-never-in-a-notification";

export function useObservabilityStudio() {
  const servers = {} as { orders: RedisServer; sessions: RedisServer; fragments: MemcachedServer };
  const desktop: { title: string; body: string }[] = [];
  const ids = { orders: "", sessions: "", fragments: "" };
  const call = studioApi(() => s.studio).call;
  /** The API with the studio's token (not the window's session). */
  const api = async (method: string, path: string, body?: unknown) => {
    const [status, answer] = await call(method, path, body);
    return { status, body: answer };
  };

  const s = useStudioPage({
    name: "dash",
    async before() {
      const [orders, sessions, fragments] = await Promise.all([
        startRedis(),
        startRedis(),
        startMemcached(),
      ]);
      Object.assign(servers, { orders, sessions, fragments });
      await orders.command("SET", "orders:1", SECRET_VALUE);
      await orders.command("SET", "orders:2", "{}");
    },
    studio: {
      // Desktop notifications are recorded, not shown on the machine running the tests.
      collector: {
        desktop: {
          send: async (n) => {
            desktop.push({ title: n.title, body: n.body });
          },
        },
      },
    },
    async started(studio) {
      // A short poll through the settings API (what the Settings screen does).
      const set = await api("PUT", "/api/observability/settings", { pollIntervalMs: 250 });
      expect(set.status).toBe(200);
      expect(set.body.pollIntervalMs).toBe(250);
      const profiles = studio.app.profiles;
      // A short timeout so a frozen server is called down within a poll or two.
      ids.orders = profiles.create({
        name: "orders cache",
        url: servers.orders.url,
        environment: "prod",
        timeoutMs: 500,
      }).id;
      ids.sessions = profiles.create({
        name: "sessions",
        url: servers.sessions.url,
        environment: "staging",
        timeoutMs: 500,
      }).id;
      ids.fragments = profiles.create({
        name: "fragments",
        url: servers.fragments.url,
        environment: "dev",
        timeoutMs: 500,
      }).id;
      // The engine's slow log gets an entry (20 ms over the default 10 ms threshold).
      await servers.orders.command("DEBUG", "SLEEP", "0.02");
    },
    page: { width: 1440, height: 900 },
    open: "#/overview",
    async after() {
      // A paused server must not outlive a failed test frozen.
      for (const r of [servers.orders, servers.sessions]) {
        try {
          r?.process.resume();
        } catch {}
      }
      await Promise.all([
        servers.orders?.stop(),
        servers.sessions?.stop(),
        servers.fragments?.stop(),
      ]);
    },
  });

  const rail = () => s.page.getByRole("navigation", { name: "Connections" });
  const theme = (t: "light" | "dark" | "system") => s.h.theme(t);
  const shot = (name: string) => s.h.shot(name);
  return {
    s,
    servers,
    desktop,
    ids,
    api,
    shot,
    theme,
    rail,
    go: (hash: string) =>
      s.page.evaluate((h) => {
        location.hash = h;
      }, hash),
    card: (name: string) =>
      s.page.getByRole("region", { name: "Health" }).getByRole("article", { name, exact: true }),
    railDot: (name: string) =>
      rail()
        .getByRole("link", { name: new RegExp(`^${name}\\b`) })
        .locator(".health-dot"),
    bell: () => s.page.getByRole("button", { name: /^Notifications, \d+ unread$/ }),
    /** Both themes of the screen as it is now. */
    shots: async (name: string) => {
      await shot(`${name}-light`);
      await theme("dark");
      await shot(`${name}-dark`);
      await theme("light");
    },
  };
}
