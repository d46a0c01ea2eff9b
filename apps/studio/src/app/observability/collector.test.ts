import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyRollup } from "@cachify/core";
import { openStore } from "@cachify/store";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { api, eventually, liveSocket, RecordingDesktop, sleep } from "./test-support.ts";

const PASSWORD = "pw-Zebra-4491";
const VALUE = "value-Orchid-7312";
const POLL_MS = 300;

/**
 * The collector against a real redis-server that is stopped and started again: health goes down
 * within two poll intervals (pushed on the WebSocket), a rule with a pending period fires exactly
 * once and resolves once when the server is back, notifications hold neither a value nor the
 * password, and the restart shows as a counter reset.
 */
describe("collector: health, alerts and a server that goes away", () => {
  let own: RedisServer;
  let port = 0;
  let studio: RunningStudio;
  const desktop = new RecordingDesktop();
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-obs-"));
  const args = ["--requirepass", PASSWORD];

  beforeAll(async () => {
    own = await startRedis({ args });
    port = own.port;
    // Older than the 30-day retention: pruned when the collector starts.
    const old = openStore(dataDir);
    const longAgo = Date.now() - 40 * 86_400_000;
    old.history.appendMany([
      { id: "ev_old", ts: longAgo, source: "stats", kind: "health", severity: "info", count: 1 },
    ]);
    old.metrics.writeRaw("minute", [
      { ...emptyRollup("prof_old", longAgo - (longAgo % 60_000), "dev"), polls: 1 },
    ]);
    old.close();
    studio = await startStudio({ dataDir, port: 0, collector: { desktop } });
    studio.app.observability.updateSettings({ pollIntervalMs: POLL_MS, eventsIntervalMs: 500 });
    const p = studio.app.profiles.create({
      name: "own",
      url: `redis://:${PASSWORD}@127.0.0.1:${port}`,
      environment: "prod",
    });
    await studio.app.gate.run(
      p,
      {
        kind: "set",
        key: new TextEncoder().encode("secret:key"),
        value: new TextEncoder().encode(VALUE),
      },
      { origin: "cli", confirmation: { typedName: "own" } },
    );
  });
  afterAll(async () => {
    await studio.close();
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("down within two poll intervals, one firing after the pending period, one resolve", async () => {
    const live = await liveSocket(studio);
    const rule = await api(studio, "POST", "/api/alerts", {
      name: "own is down",
      metric: "up",
      op: "<",
      threshold: 1,
      windowMs: 1000,
      forMs: 1500,
      severity: "critical",
      scope: { profiles: ["own"] },
    });
    expect(rule.status).toBe(201);
    await live.next(
      (m) => m.type === "health" && m.card.profileName === "own" && m.card.health === "ok",
    );
    // Metrics arrive with every poll.
    const metrics = await live.next((m) => m.type === "metrics");
    expect(metrics.values).toMatchObject({ up: 1, health: 0 });

    await own.stop();
    // From the moment the process is gone (stop() resolves once it has exited).
    const stoppedAt = Date.now();
    const down = await live.next((m) => m.type === "health" && m.card.health === "down", 5000);
    expect(down.at - stoppedAt).toBeLessThanOrEqual(2 * POLL_MS + 200);
    expect(down.card.reasons.join(" ")).toMatch(/ECONNREFUSED|refused|connect/i);
    expect((await api(studio, "GET", "/api/observability/health")).json.profiles[0]).toMatchObject({
      health: "down",
      up: false,
    });
    const pending = await live.next(
      (m) => m.type === "alert" && m.state?.state === "pending",
      5000,
    );
    const firing = await live.next((m) => m.type === "alert" && m.state?.state === "firing", 5000);
    expect(firing.at - pending.at).toBeGreaterThanOrEqual(1500 - 50);
    // Stays down a while longer: no second notification.
    await sleep(1500);
    const firingNotes = live.messages.filter(
      (m) => m.type === "alert" && m.notification?.kind === "firing",
    );
    expect(firingNotes).toHaveLength(1);
    expect(desktop.sent).toHaveLength(1);
    expect(desktop.sent[0]).toMatchObject({ title: "Firing: own is down", urgency: "critical" });

    own = await startRedis({ port, args });
    const back = await live.next(
      (m) => m.type === "health" && m.card.health === "ok",
      5000,
      live.messages.indexOf(down),
    );
    const resolved = await live.next(
      (m) => m.type === "alert" && m.notification?.kind === "resolved",
      5000,
    );
    expect(resolved.at).toBeGreaterThanOrEqual(back.at - 50);
    await sleep(1000);
    const notes = (await api(studio, "GET", "/api/notifications")).json;
    expect(notes.notifications.map((n: { kind: string }) => n.kind)).toEqual([
      "resolved",
      "firing",
    ]);
    expect(notes.unread).toBe(2);
    expect(desktop.sent.map((n) => n.title)).toEqual([
      "Firing: own is down",
      "Resolved: own is down",
    ]);
    const everything = JSON.stringify([
      notes,
      desktop.sent,
      live.messages.filter((m) => m.type === "alert"),
    ]);
    expect(everything).not.toContain(VALUE);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).toContain("own (prod): up = 0 (rule: < 1)");

    // The timeline: the health changes, the restart (counters reset), the alert's life.
    const tl = (
      await api(studio, "GET", "/api/timeline?sources=stats,alert&limit=50")
    ).json.events.map((e: { kind: string; message: string }) => `${e.kind}: ${e.message}`);
    expect(tl.join("\n")).toMatch(/health: health ok → down/);
    expect(tl.join("\n")).toMatch(/health: health down → ok/);
    expect(tl.join("\n")).toMatch(/restart: server restarted/);
    expect(tl.filter((t: string) => t.startsWith("alert-firing"))).toHaveLength(1);
    expect(tl.filter((t: string) => t.startsWith("alert-resolved"))).toHaveLength(1);
    expect(tl.filter((t: string) => t.startsWith("alert-pending"))).toHaveLength(1);
    expect(JSON.stringify(tl)).not.toContain(PASSWORD);
    // Polls are not audited one by one: no ping/stats events from the collector.
    const app = (await api(studio, "GET", "/api/timeline?sources=app&limit=1000")).json.events;
    expect(app.filter((e: { origin: string }) => e.origin === "collector")).toEqual([]);

    // Rules list their state per profile; marking read clears the unread count.
    const rules = (await api(studio, "GET", "/api/alerts")).json.rules;
    expect(rules[0].states[0]).toMatchObject({ profileName: "own", state: "resolved" });
    expect((await api(studio, "POST", "/api/notifications/read", { all: true })).json).toEqual({
      marked: 2,
      unread: 0,
    });
    live.close();
  });

  it("error replies and refused connections become throttled timeline events; counters never go negative", async () => {
    await own.command("AUTH", PASSWORD);
    // rawCommand opens a fresh connection per call: unauthenticated, so NOAUTH is an error reply.
    await own.command("GET", "x");
    await own.command("GET", "y");
    const e = await eventually(
      () =>
        studio.app.observability.timeline({ sources: ["errorstats"], limit: 10 }).events[0] ??
        undefined,
      "an errorstats event",
    );
    expect(e).toMatchObject({ source: "errorstats", severity: "warning" });
    expect(e.message).toMatch(/NOAUTH ×\d/);
    const points = studio.app.observability.livePoints(studio.app.profiles.resolve("own").id);
    for (const p of points) {
      for (const k of [
        "evicted_keys",
        "hits",
        "misses",
        "engine_errors",
        "rejected_connections",
      ] as const) {
        if (p.values[k] !== undefined) expect(p.values[k]).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("prunes timeline events and rollups older than the retention at start", () => {
    expect(studio.app.history.list({ limit: 1000 }).map((e) => e.id)).not.toContain("ev_old");
    expect(studio.app.store.metrics.latest("prof_old")).toBeUndefined();
  });

  it("serves the dashboard: cards, series, heatmap, slow operations, operations by kind", async () => {
    const d = await api(studio, "GET", "/api/observability/dashboard?range=1h");
    expect(d.status).toBe(200);
    expect(d.json.health[0]).toMatchObject({ profileName: "own", health: "ok", watched: true });
    expect(d.json.range.stepMs).toBe(60_000);
    expect(Object.keys(d.json)).toEqual(
      expect.arrayContaining(["series", "heatmap", "slow", "operations", "alerts"]),
    );
    const bad = await api(studio, "GET", "/api/observability/series?metrics=nope");
    expect(bad.status).toBe(400);
    const metrics = await api(studio, "GET", "/api/observability/metrics");
    expect(metrics.json.metrics.map((m: { name: string }) => m.name)).toContain(
      "memory_used_ratio",
    );
    // The per-profile switch: off stops polling and says so.
    const off = await api(studio, "PUT", `/api/observability/profiles/own`, { watched: false });
    expect(off.json).toMatchObject({ watched: false, health: "unknown" });
    const on = await api(studio, "PUT", `/api/observability/profiles/own`, { watched: true });
    expect(on.json.watched).toBe(true);
  });
});
