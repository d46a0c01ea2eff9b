import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cliSandbox } from "../../../../../test/support/cli.ts";
import { openApp } from "../../composition/open-app.ts";

const servers = inject("servers");

describe("CLI: health, alert, timeline filters", () => {
  const sb = cliSandbox();
  beforeAll(async () => {
    for (const args of [
      ["profile", "add", "r1", "--url", servers.redis.url, "--env", "prod"],
      ["profile", "add", "m1", "--url", servers.memcached.url],
      ["profile", "add", "gone", "--url", "redis://127.0.0.1:1", "--timeout-ms", "500"],
    ]) {
      expect((await sb.run(...args)).code).toBe(0);
    }
  });
  afterAll(() => sb.cleanup());

  it("health --json probes every profile once: ok or down with the reason", async () => {
    const r = await sb.run("health", "--json");
    expect(r.code).toBe(0);
    const cards = r.json<{
      profiles: { profileName: string; health: string; reasons: string[] }[];
    }>().profiles;
    expect(Object.fromEntries(cards.map((c) => [c.profileName, c.health]))).toEqual({
      gone: "down",
      m1: "ok",
      r1: "ok",
    });
    expect(cards.find((c) => c.profileName === "gone")!.reasons[0]).toMatch(/refused|connect/i);
    const one = await sb.run("health", "--profile", "r1", "--fail-on", "down");
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^PROFILE\s+ENV\s+ENGINE\s+HEALTH/);
    expect((await sb.run("health", "--fail-on", "down")).code).toBe(1);
    expect((await sb.run("health", "--fail-on", "maybe")).code).toBe(2);
    // The one-shot probe is a CLI read: audited like any other (not the collector's silent polls).
    const tl = (await sb.run("timeline", "--json", "--profile", "r1", "--source", "app")).json<{
      events: { kind: string }[];
    }>();
    expect(tl.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["ping", "stats"]));
  });

  it("alert add, list, disable, remove", async () => {
    const add = await sb.run(
      "alert",
      "add",
      "slow ping",
      "--metric",
      "ping_ms",
      "--op",
      "gt",
      "--threshold",
      "250",
      "--reduce",
      "avg",
      "--window",
      "5m",
      "--for",
      "1m",
      "--profile",
      "r1",
      "--env",
      "staging",
      "--severity",
      "error",
      "--no-desktop",
      "--json",
    );
    expect(add.code).toBe(0);
    expect(add.json<{ rule: Record<string, unknown> }>().rule).toMatchObject({
      name: "slow ping",
      metric: "ping_ms",
      op: ">",
      threshold: 250,
      reduce: "avg",
      windowMs: 300_000,
      forMs: 60_000,
      severity: "error",
      notify: { inApp: true, desktop: false },
      scope: { environments: ["staging"] },
    });
    // Refused with exit 2: a taken name, an unknown metric or operator, an unknown profile.
    const rule = (name: string, metric: string, op: string, ...more: string[]) =>
      sb.run("alert", "add", name, "--metric", metric, "--op", op, "--threshold", "1", ...more);
    expect((await rule("slow ping", "up", "lt")).code).toBe(2);
    expect((await rule("x", "nope", "lt")).code).toBe(2);
    expect((await rule("x", "up", "~")).code).toBe(2);
    expect((await rule("x", "up", "lt", "--profile", "nobody")).code).toBe(2);
    const list = await sb.run("alert", "list");
    expect(list.stdout).toMatch(
      /slow ping\s+error\s+avg\(ping_ms, 5m\) > 250\s+1m\s+env:staging,r1\s+ok/,
    );
    expect((await sb.run("alert", "disable", "slow ping")).code).toBe(0);
    expect(
      (await sb.run("alert", "list", "--json")).json<{ rules: { enabled: boolean }[] }>().rules[0]!
        .enabled,
    ).toBe(false);
    expect((await sb.run("alert", "remove", "slow ping")).code).toBe(0);
    expect((await sb.run("alert", "remove", "slow ping")).code).toBe(2);
  });

  it("timeline filters: environment, source, severity, search, paging; bad values exit 2", async () => {
    const app = openApp({ dataDir: sb.dataDir });
    try {
      const base = { ts: Date.now() - 1000, count: 1 };
      app.store.history.appendMany([
        {
          ...base,
          id: "ev_t1",
          source: "slowlog",
          kind: "slow-command",
          severity: "warning",
          environment: "prod",
          profileId: "x",
          profileName: "r1",
          message: "KEYS user:* (120 ms)",
        },
        {
          ...base,
          id: "ev_t2",
          source: "alert",
          kind: "alert-firing",
          severity: "critical",
          environment: "dev",
          message: "Firing: mc down",
        },
      ]);
    } finally {
      await app.close();
    }
    const tl = async (...args: string[]) =>
      (await sb.run("timeline", "--json", ...args))
        .json<{ events: { id: string }[] }>()
        .events.map((e) => e.id);
    expect(await tl("--env", "prod", "--source", "slowlog")).toEqual(["ev_t1"]);
    expect(await tl("--severity", "critical")).toEqual(["ev_t2"]);
    expect(await tl("--search", "user:*")).toEqual(["ev_t1"]);
    expect(await tl("--source", "alert", "--source", "slowlog", "--before", "ev_t2")).toEqual([
      "ev_t1",
    ]);
    expect((await sb.run("timeline", "--severity", "loud")).code).toBe(2);
    expect((await sb.run("timeline", "--env", "qa")).code).toBe(2);
  });
});
