import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, type RunningStudio, runCli, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  liveSocket,
  type Pushed,
  RecordingDesktop,
  sleep,
} from "../../apps/studio/src/app/observability/test-support.ts";
import { rawCommand, startRedis } from "../harness/index.ts";
import { studioApi } from "../support/studio-api.ts";

/**
 * V1 paths with every V2 feature switched off (issue 8,
 * docs/design/contracts.md#feature-switches-and-v1-compatibility): browse, edit, delete, TTL and
 * the console on standalone Redis, get/set/delete/touch on Memcached, all through the studio's HTTP
 * API as the UI calls it, against real servers. Each V1 path must answer as before, and none of the
 * V2 side effects may appear: no snapshot rows, no metric samples, no alert events or
 * notifications, and a failing operation tried once although its profile allows three attempts. The
 * last tests turn each switch back on and see its effect return, so every assertion of an absence
 * is shown to depend on its switch.
 */
const servers = inject("servers");
const RUN = `v1reg:${process.pid}:${Date.now().toString(36)}`;
const redis = (...args: string[]) => rawCommand(servers.redis.port, args);
const ALL_OFF = ["snapshots", "metrics", "alerts", "retries"].flatMap((s) => [
  "settings",
  "set",
  s,
  "off",
]);

describe("V1 paths with the V2 features switched off", () => {
  let studio: RunningStudio;
  let live: Awaited<ReturnType<typeof liveSocket>>;
  const desktop = new RecordingDesktop();
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-v1reg-"));
  let redisId = "";
  let mcId = "";
  let downId = "";
  let downPort = 0;

  const { call, confirmed } = studioApi(() => studio);
  const features = (input: Record<string, boolean>) => call("PUT", "/api/settings/features", input);
  const history = async (profileId: string) =>
    (await call("GET", `/api/history?profileId=${profileId}&limit=200`))[1].events as {
      kind: string;
      origin: string;
      attempts: number;
      outcome: string;
      snapshots?: number;
      id: string;
    }[];
  const metricsPushed = (from = 0) =>
    live.messages.slice(from).filter((m: Pushed) => m.type === "metrics");
  const alertsPushed = () => live.messages.filter((m: Pushed) => m.type === "alert");

  beforeAll(async () => {
    // The switches are set with the CLI before the studio starts, as a user would: the studio
    // then never collects anything, not even in its first second.
    const io: CliIo = {
      out() {},
      err: (t) => process.stderr.write(t),
      readFile: () => "",
      writeFile() {},
      env: { ...process.env, CACHIFY_HOME: dataDir },
    };
    for (let i = 0; i < ALL_OFF.length; i += 4)
      expect(await runCli(ALL_OFF.slice(i, i + 4), io)).toBe(0);

    // A real Redis started and stopped: nothing listens on its port any more (refused at once).
    const gone = await startRedis();
    downPort = gone.port;
    await gone.stop();

    studio = await startStudio({ dataDir, port: 0, collector: { desktop } });
    live = await liveSocket(studio);
    const create = async (body: Record<string, unknown>) => {
      const [s, p] = await call("POST", "/api/profiles", body);
      expect(s, JSON.stringify(p)).toBe(201);
      return p.id as string;
    };
    // Every profile says: try three times. With retries off, the gate must try once.
    const retry = {
      maxAttempts: 3,
      backoff: "constant",
      initialDelayMs: 20,
      jitter: "none",
      retryOn: ["connection", "timeout-ambiguous"],
    };
    redisId = await create({ name: "v1-redis", url: servers.redis.url, retry });
    mcId = await create({ name: "v1-mc", url: servers.memcached.url, retry });
    downId = await create({
      name: "v1-down",
      url: `redis://127.0.0.1:${downPort}`,
      timeoutMs: 1000,
      connectTimeoutMs: 500,
      retry,
    });
    // A rule that holds on every poll of v1-redis: it fires at once whenever alerts run.
    const [rs, rule] = await call("POST", "/api/alerts", {
      name: "v1-always",
      metric: "up",
      op: ">=",
      threshold: 0,
      scope: { profiles: [redisId] },
    });
    expect(rs, JSON.stringify(rule)).toBe(201);
    // Polls every 200 ms whenever the collector runs (so "nothing collected" is a real absence).
    expect((await call("PUT", "/api/observability/settings", { pollIntervalMs: 200 }))[0]).toBe(
      200,
    );
  });
  afterAll(async () => {
    live?.close();
    await studio?.close();
    const keys = (await redis("KEYS", `${RUN}*`)).match(/v1reg:[^\r]*/g) ?? [];
    if (keys.length) await redis("DEL", ...keys);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts with all four switches off, saved and in force, and the data folder named", async () => {
    const [s, v] = await call("GET", "/api/settings/features");
    expect(s).toBe(200);
    const off = { snapshots: false, metrics: false, alerts: false, retries: false };
    expect(v.features).toEqual(off);
    expect(v.saved).toEqual(off);
    expect(v.dataDir).toBe(studio.app.dataDir);
    const [, health] = await call("GET", "/api/observability/health");
    expect(health.running).toBe(false);
    expect(health.profiles[0].reasons[0]).toMatch(/metrics collection is turned off/);
  });

  it("browses Redis: SCAN pages with a pattern, type and TTL per key", async () => {
    const wanted = new Set<string>();
    for (let i = 0; i < 23; i++) {
      const key = `${RUN}:k:${String(i).padStart(2, "0")}`;
      wanted.add(key);
      await redis("SET", key, `v${i}`);
    }
    await redis("SET", `${RUN}:other`, "x");
    await redis("SET", `${RUN}:k:ttl`, "t", "EX", "500");
    wanted.add(`${RUN}:k:ttl`);
    const seen = new Map<string, { type: string; ttl: number }>();
    let cursor = "0";
    let pages = 0;
    for (;;) {
      const q = `match=${encodeURIComponent(`${RUN}:k:*`)}&count=5&cursor=${cursor}`;
      const [s, page] = await call("GET", `/api/profiles/${redisId}/keys?${q}`);
      expect(s).toBe(200);
      pages++;
      for (const k of page.keys) seen.set(k.key, { type: k.type, ttl: k.ttl });
      if (page.done) break;
      cursor = page.cursor;
      expect(pages).toBeLessThan(100_000);
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen.keys())).toEqual(wanted);
    expect(seen.get(`${RUN}:k:00`)).toEqual({ type: "string", ttl: -1 });
    const ttl = seen.get(`${RUN}:k:ttl`)!;
    expect(ttl.type).toBe("string");
    expect(ttl.ttl).toBeGreaterThan(490);
    expect(ttl.ttl).toBeLessThanOrEqual(500);
  });

  it("edits a string (asked to confirm the overwrite, as in V1) and a hash field", async () => {
    const key = `${RUN}:edit`;
    await redis("SET", key, "before");
    const [first, challenge] = await call("PUT", `/api/profiles/${redisId}/key`, {
      key,
      value: "after",
    });
    expect(first).toBe(428);
    expect(challenge.error.details.level).toBe("confirm");
    expect(await redis("GET", key)).toBe("$6\r\nbefore\r\n");
    const [s, r] = await confirmed("PUT", `/api/profiles/${redisId}/key`, { key, value: "after" });
    expect([s, r]).toEqual([200, expect.objectContaining({})]);
    const [, read] = await call("GET", `/api/profiles/${redisId}/key?key=${key}`);
    expect(read).toMatchObject({ key, type: "string", ttl: -1, value: "after" });

    const hash = `${RUN}:hash`;
    await redis("HSET", hash, "name", "Ada", "lang", "en");
    const [hs, hr] = await confirmed("PUT", `/api/profiles/${redisId}/hash/field`, {
      key: hash,
      field: "name",
      value: "Grace",
    });
    expect([hs, hr]).toEqual([200, { created: false }]);
    expect(await redis("HGET", hash, "name")).toBe("$5\r\nGrace\r\n");
    expect(await redis("HGET", hash, "lang")).toBe("$2\r\nen\r\n");
  });

  it("sets and clears a TTL", async () => {
    const key = `${RUN}:ttl-edit`;
    await redis("SET", key, "v");
    const [s, r] = await confirmed("PUT", `/api/profiles/${redisId}/key/ttl`, { key, ttl: 300 });
    expect([s, r]).toEqual([200, { applied: true }]);
    const ttl = Number((await redis("TTL", key)).slice(1));
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    const [s2, r2] = await confirmed("PUT", `/api/profiles/${redisId}/key/ttl`, { key, ttl: -1 });
    expect([s2, r2]).toEqual([200, { applied: true }]);
    expect(await redis("TTL", key)).toBe(":-1\r\n");
    expect(await redis("GET", key)).toBe("$1\r\nv\r\n");
  });

  it("deletes a key after the confirmation", async () => {
    const key = `${RUN}:del`;
    await redis("SET", key, "v");
    const [first] = await call("DELETE", `/api/profiles/${redisId}/key?key=${key}`, {});
    expect(first).toBe(428);
    expect(await redis("EXISTS", key)).toBe(":1\r\n");
    const [s, r] = await confirmed("DELETE", `/api/profiles/${redisId}/key?key=${key}`, {});
    expect([s, r]).toEqual([200, { deleted: 1 }]);
    expect(await redis("EXISTS", key)).toBe(":0\r\n");
  });

  it("runs console commands and prints replies like redis-cli", async () => {
    const key = `${RUN}:console`;
    const cmd = (line: string) => confirmed("POST", `/api/profiles/${redisId}/command`, { line });
    expect(await cmd(`SET ${key} hello`)).toEqual([200, { reply: "OK", text: "OK" }]);
    expect(await cmd(`GET ${key}`)).toEqual([200, { reply: "hello", text: '"hello"' }]);
    expect(await cmd(`APPEND ${key} !`)).toEqual([200, { reply: 6, text: "(integer) 6" }]);
    expect(await cmd(`DEL ${key}`)).toEqual([200, { reply: 1, text: "(integer) 1" }]);
    expect(await cmd(`GET ${key}`)).toEqual([200, { reply: null, text: "(nil)" }]);
  });

  it("Memcached: set, get, touch and delete", async () => {
    const key = `${RUN}:mc`;
    const [s, r] = await confirmed("PUT", `/api/profiles/${mcId}/key`, { key, value: "cached" });
    expect([s, r]).toEqual([200, expect.objectContaining({})]);
    const [, read] = await call("GET", `/api/profiles/${mcId}/key?key=${key}`);
    expect(read).toMatchObject({ key, type: "string", value: "cached" });
    const [ts, tr] = await confirmed("PUT", `/api/profiles/${mcId}/key/ttl`, { key, ttl: 600 });
    expect([ts, tr]).toEqual([200, { applied: true }]);
    const [, touched] = await call("GET", `/api/profiles/${mcId}/key?key=${key}`);
    expect(touched.value).toBe("cached");
    expect(touched.ttl).toBeGreaterThan(590);
    const [ds, dr] = await confirmed("DELETE", `/api/profiles/${mcId}/key?key=${key}`, {});
    expect([ds, dr]).toEqual([200, { deleted: 1 }]);
    const [, gone] = await call("GET", `/api/profiles/${mcId}/key?key=${key}`);
    expect(gone.ttl).toBe(-2);
  });

  it("tries a failing operation once, although the profile allows three attempts", async () => {
    const [s, err] = await call("GET", `/api/profiles/${downId}/key?key=${RUN}:x`);
    expect(s).toBe(502);
    expect(err.error.code).toBe("connection");
    const ev = (await history(downId)).find((e) => e.kind === "get" && e.origin === "api")!;
    expect(ev).toMatchObject({ outcome: "error", attempts: 1 });
  });

  it("left no V2 trace: no snapshots, no metric samples, no alert events or notifications", async () => {
    // Give a collector (were one running at 200 ms a poll) time to have polled several times.
    await sleep(1200);
    const [, snaps] = await call("GET", "/api/rollback/snapshots?limit=1000");
    expect(snaps.snapshots).toEqual([]);
    for (const id of [redisId, mcId]) {
      const events = await history(id);
      expect(events.length).toBeGreaterThan(0);
      expect(events.filter((e) => (e.snapshots ?? 0) > 0)).toEqual([]);
    }
    expect(studio.app.observability.running).toBe(false);
    expect(studio.app.observability.appMetrics.minuteProfiles()).toEqual([]);
    for (const id of [redisId, mcId]) {
      const [, lp] = await call("GET", `/api/observability/live/${id}`);
      expect(lp).toMatchObject({ running: false, points: [] });
    }
    expect(metricsPushed()).toEqual([]);
    const [, tl] = await call("GET", "/api/timeline?sources=alert&limit=100");
    expect(tl.events).toEqual([]);
    const [, notes] = await call("GET", "/api/notifications");
    expect(notes).toMatchObject({ notifications: [], unread: 0 });
    expect(alertsPushed()).toEqual([]);
    expect(desktop.sent).toEqual([]);
    const [, rules] = await call("GET", "/api/alerts");
    expect(rules.rules[0].states).toEqual([]);
  });

  it("a workflow dry-run names the snapshots setting as why it cannot be undone", async () => {
    const [s, plan] = await call("POST", "/api/workflows/plans", {
      template: "delete-by-pattern",
      profileId: redisId,
      params: { pattern: `${RUN}:k:0*` },
    });
    expect(s, JSON.stringify(plan)).toBe(201);
    expect(plan.rollback).toBe("none");
    expect(plan.rollbackReason).toMatch(/"snapshots" setting is off/);
  });

  it("turning retries back on: the same failing read is tried three times", async () => {
    expect((await features({ retries: true }))[0]).toBe(200);
    const [s] = await call("GET", `/api/profiles/${downId}/key?key=${RUN}:y`);
    expect(s).toBe(502);
    const ev = (await history(downId)).find((e) => e.kind === "get" && e.origin === "api")!;
    expect(ev).toMatchObject({ outcome: "error", attempts: 3 });
    expect((await features({ retries: false }))[0]).toBe(200);
  });

  it("turning snapshots back on: a delete saves its pre-image again (and can be undone)", async () => {
    const key = `${RUN}:undo`;
    await redis("SET", key, "keep me");
    expect((await features({ snapshots: true }))[1].features.snapshots).toBe(true);
    const [s, r] = await confirmed("DELETE", `/api/profiles/${redisId}/key?key=${key}`, {});
    expect([s, r]).toEqual([200, { deleted: 1 }]);
    const del = (await history(redisId)).find((e) => e.kind === "delete")!;
    expect(del.snapshots).toBe(1);
    const [, snaps] = await call("GET", `/api/rollback/snapshots?operationId=${del.id}`);
    expect(snaps.snapshots).toHaveLength(1);
    expect(snaps.snapshots[0]).toMatchObject({ key, existed: true, type: "string" });
    const [rs, restored] = await confirmed("POST", "/api/rollback/restore", {
      operationId: del.id,
    });
    expect([rs, restored.restored]).toEqual([200, 1]);
    expect(await redis("GET", key)).toBe("$7\r\nkeep me\r\n");

    // Off again: the next delete leaves no pre-image.
    expect((await features({ snapshots: false }))[0]).toBe(200);
    const [s2] = await confirmed("DELETE", `/api/profiles/${redisId}/key?key=${key}`, {});
    expect(s2).toBe(200);
    const del2 = (await history(redisId)).find((e) => e.kind === "delete")!;
    expect(del2.id).not.toBe(del.id);
    expect(del2.snapshots).toBeUndefined();
    const [, after] = await call("GET", `/api/rollback/snapshots?operationId=${del2.id}`);
    expect(after.snapshots).toEqual([]);
  });

  it("turning metrics on starts the collector without a restart; off stops it", async () => {
    const [, v] = await features({ metrics: true });
    expect(v.features.metrics).toBe(true);
    expect(studio.app.observability.running).toBe(true);
    const from = live.messages.length;
    await live.next((m) => m.type === "metrics" && m.profileId === redisId, 10_000, from);
    const [, lp] = await call("GET", `/api/observability/live/${redisId}`);
    expect(lp.running).toBe(true);
    expect(lp.points.length).toBeGreaterThan(0);
    // The alert rule holds on every poll, but alerts are still off: nothing fires.
    await sleep(800);
    expect(alertsPushed()).toEqual([]);
    expect(desktop.sent).toEqual([]);

    await features({ metrics: false });
    expect(studio.app.observability.running).toBe(false);
    await sleep(300); // a poll already under way may still report once
    const settled = live.messages.length;
    await sleep(1000);
    expect(metricsPushed(settled)).toEqual([]);
  });

  it("turning alerts on (with metrics): the rule fires and notifies; off: it is not evaluated", async () => {
    await features({ metrics: true });
    const from = live.messages.length;
    await live.next((m) => m.type === "metrics" && m.profileId === redisId, 10_000, from);
    await sleep(600);
    expect(alertsPushed()).toEqual([]);
    const [, tl0] = await call("GET", "/api/timeline?sources=alert&limit=100");
    expect(tl0.events).toEqual([]);

    await features({ alerts: true });
    await live.next((m) => m.type === "alert" && m.state?.state === "firing", 10_000, from);
    const [, tl] = await call("GET", "/api/timeline?sources=alert&limit=100");
    expect(tl.events.length).toBeGreaterThan(0);
    const [, notes] = await call("GET", "/api/notifications");
    expect(notes.notifications.length).toBeGreaterThan(0);
    for (let i = 0; i < 100 && desktop.sent.length === 0; i++) await sleep(50);
    expect(desktop.sent.length).toBeGreaterThan(0);

    await features({ alerts: false, metrics: false });
    expect(studio.app.observability.running).toBe(false);
  });
});
