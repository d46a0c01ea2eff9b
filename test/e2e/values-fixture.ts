import type { Locator } from "playwright-core";
import { inject } from "vitest";
import { memcachedCommand, type RedisServer, rawCommand, startRedis } from "../harness/index.ts";
import { deleteKeys, useStudioPage } from "./studio-page.ts";

/**
 * The studio of the value suites (values*.test.ts): a Redis of its own with a 100k-key database
 * (and a secret for its slow log), one key of every type under `prefix` on the shared Redis, a
 * string on the shared Memcached, and four profiles: "dev local", "big dev", "orders prod" (the
 * shared Redis again, as prod) and "mc cache". Each suite runs with its own prefix: the suites
 * run side by side on the shared servers.
 */

export const BIG = 100_000;
export const JSON_VALUE = JSON.stringify({
  order: 42,
  items: [{ sku: "A-1", qty: 2 }],
  paid: true,
});

export function useValuesStudio(P: string) {
  const { redis, memcached } = inject("servers");
  const ids = { dev: "", big: "", prod: "", mc: "" };
  const state: { big?: RedisServer } = {};
  const r = (...args: string[]) => rawCommand(redis.port, args);

  const s = useStudioPage({
    name: "values",
    async before() {
      // A server of our own for the 100k keys (the shared one stays small) and its slow log.
      const big = await startRedis();
      state.big = big;
      await big.command("DEBUG", "POPULATE", String(BIG), "e2ebig");
      await big.command(
        "MSET",
        "app:users:1",
        "{}",
        "app:users:2",
        "{}",
        "app:sessions:abc",
        "x",
        "app:config",
        "{}",
      );
      await big.command("SET", "app:secret", "a value that must not show in the slow log");

      await r("DEL", ...["str", "json", "hash", "list", "set", "zset", "stream"].map((k) => P + k));
      await r("SET", `${P}str`, "hello, editors");
      await r("SET", `${P}json`, JSON_VALUE, "EX", "7200");
      await r("HSET", `${P}hash`, "name", "Ada", "lang", "en", "bin\u0001", "\u0000\u00ff");
      await r("RPUSH", `${P}list`, "first", "second", "third");
      await r("SADD", `${P}set`, "red", "green", "blue");
      await r("ZADD", `${P}zset`, "1", "bronze", "2", "silver", "3", "gold");
      await r("XADD", `${P}stream`, "1-1", "event", "signup", "user", "ada");
      await r("XADD", `${P}stream`, "1-2", "event", "login", "user", "ada");
      await r("SET", `${P}prod:victim`, "keep me unless the name is typed");
      await memcachedCommand(memcached.port, `set ${P}mc:greeting 0 0 5\r\nhello`, "STORED\r\n");
    },
    started(studio) {
      const profiles = studio.app.profiles;
      ids.dev = profiles.create({ name: "dev local", url: redis.url, environment: "dev" }).id;
      ids.big = profiles.create({ name: "big dev", url: state.big!.url, environment: "dev" }).id;
      ids.prod = profiles.create({ name: "orders prod", url: redis.url, environment: "prod" }).id;
      ids.mc = profiles.create({ name: "mc cache", url: memcached.url, environment: "staging" }).id;
    },
    // Answers with an error status are expected (428, 403, 409); anything else is recorded.
    page: { width: 1360, height: 820, timeoutMs: 15_000 },
    async after() {
      await state.big?.stop();
      await deleteKeys(redis.port, P);
      await memcachedCommand(memcached.port, `delete ${P}mc:greeting`).catch(() => {});
      await memcachedCommand(memcached.port, `delete ${P}mc:new`).catch(() => {});
    },
  });

  return {
    s,
    ids,
    r,
    /** The suite's own Redis (set once the suite's beforeAll ran). */
    big: () => state.big!,
    shot: (name: string) => s.h.shot(name),
    open: (id: string, tab = "browser") => s.h.open(id, tab),
    valuePanel: (key: string) => s.h.valuePanel(key),
    /** Opens a key by its exact name (no scan), the way a user in a hurry would. */
    goTo: (key: string) => s.h.goTo(key),
    dialog: (name: string | RegExp) => s.h.dialog(name),
    guardDialog: (action: string, profile: string) => s.h.guardDialog(action, profile),
    confirmGuard: (action: string, profile = "dev local") => s.h.confirmGuard(action, profile),
    theme: (t: "light" | "dark" | "system") => s.h.theme(t),
    members: (key: string, noun: string) =>
      s.page.getByRole("table", { name: `${noun} of ${key}` }),
    cellRow: (table: Locator, text: string) =>
      table.getByRole("row").filter({ has: s.page.getByRole("cell", { name: text, exact: true }) }),
  };
}
