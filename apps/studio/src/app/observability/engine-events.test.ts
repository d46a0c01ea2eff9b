import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HistoryEvent } from "@cachify/core";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { eventually, liveSocket, RecordingDesktop, sleep } from "./test-support.ts";

const servers = inject("servers");

async function studioOn(dataDir: string, profiles: [string, string][]): Promise<RunningStudio> {
  const studio = await startStudio({
    dataDir,
    port: 0,
    collector: { desktop: new RecordingDesktop() },
  });
  studio.app.observability.updateSettings({ pollIntervalMs: 250, eventsIntervalMs: 300 });
  for (const [name, url] of profiles) {
    if (!studio.app.store.profiles.getByName(name)) studio.app.profiles.create({ name, url });
  }
  return studio;
}

const slowEvents = (studio: RunningStudio, profile: string): HistoryEvent[] =>
  studio.app.observability.timeline({
    sources: ["slowlog"],
    profileIds: [studio.app.profiles.resolve(profile).id],
    limit: 1000,
  }).events;

/** SLOWLOG entries become timeline events once each, redacted, across studio and server restarts. */
describe("engine events: SLOWLOG", () => {
  let own: RedisServer;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-slow-"));

  beforeAll(async () => {
    own = await startRedis({ args: ["--slowlog-log-slower-than", "0"] });
  });
  afterAll(async () => {
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("records each entry once, with values redacted, and not the collector's own polls", async () => {
    await own.command("SET", "slow:key", "a secret value");
    await own.command("HSET", "slow:hash", "field", "another secret");
    let studio = await studioOn(dataDir, [["slow", own.url]]);
    try {
      const first = await eventually(() => {
        const ev = slowEvents(studio, "slow");
        return ev.some((e) => e.message?.startsWith("HSET")) ? ev : undefined;
      }, "slowlog events");
      await sleep(1200); // several more reads of the same slow log
      const events = slowEvents(studio, "slow");
      expect(events.length).toBe(first.length);
      const messages = events.map((e) => e.message ?? "");
      expect(messages.filter((m) => m.startsWith("SET slow:key <14 bytes>"))).toHaveLength(1);
      expect(
        messages.filter((m) => m.startsWith("HSET slow:hash <5 bytes> <14 bytes>")),
      ).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain("secret");
      // Our own PING/INFO/SLOWLOG polls are in the server's slow log, not in the timeline.
      expect(messages.filter((m) => /cachify-studio/.test(m))).toEqual([]);
      expect(messages.some((m) => /^PING \(.*client 127\.0\.0\.1:\d+[,)]/.test(m))).toBe(true);
      expect(events[0]).toMatchObject({
        source: "slowlog",
        kind: "slow-command",
        severity: "warning",
      });
      expect(events[0]!.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      await studio.close();
    }

    // A new studio on the same data: the same entries are read again, and still recorded once.
    studio = await studioOn(dataDir, [["slow", own.url]]);
    try {
      await sleep(1500);
      const messages = slowEvents(studio, "slow").map((e) => e.message ?? "");
      expect(messages.filter((m) => m.startsWith("SET slow:key <14 bytes>"))).toHaveLength(1);

      // The server restarts: its slow log ids start again at 0. New entries are new events.
      await own.restart();
      await own.command("SET", "slow:after", "restart secret");
      await eventually(
        () =>
          slowEvents(studio, "slow").some((e) => e.message?.startsWith("SET slow:after <14 bytes>"))
            ? true
            : undefined,
        "the entry after the restart",
      );
      await sleep(1000);
      const after = slowEvents(studio, "slow").map((e) => e.message ?? "");
      expect(after.filter((m) => m.startsWith("SET slow:after"))).toHaveLength(1);
      expect(after.filter((m) => m.startsWith("SET slow:key <14 bytes>"))).toHaveLength(1);
      expect(JSON.stringify(after)).not.toContain("secret");
      const restart = studio.app.observability.timeline({ sources: ["stats"], limit: 50 }).events;
      expect(restart.map((e) => e.kind)).toContain("restart");
    } finally {
      await studio.close();
    }
  });
});

describe("engine events: LATENCY and keyspace notifications", () => {
  let on: RedisServer;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-ks-"));
  let studio: RunningStudio;

  beforeAll(async () => {
    on = await startRedis({
      args: ["--notify-keyspace-events", "KEA", "--latency-monitor-threshold", "10"],
    });
    studio = await studioOn(dataDir, [
      ["events-on", on.url],
      ["events-off", servers.redis.url],
      ["mc", servers.memcached.url],
      ["cluster", servers.cluster.url],
    ]);
  });
  afterAll(async () => {
    await studio.close();
    await on.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("pushes live keyspace events where the server publishes them, and says why not elsewhere", async () => {
    const live = await liveSocket(studio);
    const card = (name: string) =>
      studio.app.observability.healthCards().find((c) => c.profileName === name);
    await eventually(() => card("events-on")?.events.keyspace?.enabled || undefined, "keyspace on");
    await on.command("SET", "ks:one", "never shown");
    await on.command("DEL", "ks:one");
    const pushed = await live.next(
      (m) =>
        m.type === "history" &&
        m.transient &&
        m.event.source === "keyspace" &&
        m.event.kind === "del",
      3000,
    );
    expect(pushed.event).toMatchObject({ keys: ["ks:one"], count: 1, profileName: "events-on" });
    expect(JSON.stringify(live.messages)).not.toContain("never shown");
    const off = await eventually(() => card("events-off")?.events.keyspace, "keyspace off reason");
    expect(off.enabled).toBe(false);
    expect(off.reason).toMatch(/notify-keyspace-events.*does not switch them on/);
    const mc = await eventually(() => card("mc")?.events.keyspace, "memcached reason");
    expect(mc).toMatchObject({ enabled: false, reason: expect.stringMatching(/Memcached/) });
    expect(card("mc")?.health).toBe("ok");
    // A cluster: INFO, SLOWLOG and LATENCY from every primary; notifications off there too.
    const cl = await eventually(() => card("cluster")?.events.latency, "cluster events");
    expect(card("cluster")).toMatchObject({ health: "ok", role: "master" });
    expect(cl.enabled).toBe(false);
    expect(card("cluster")?.events.slowlog).toEqual({ enabled: true });
    // The latency monitor is on here: a slow command is a latency spike event, once.
    await on.command("DEBUG", "SLEEP", "0.05");
    const spike = await eventually(
      () => studio.app.observability.timeline({ sources: ["latency"], limit: 10 }).events[0],
      "a latency event",
    );
    expect(spike).toMatchObject({ kind: "latency-spike", operation: "command" });
    await sleep(1000);
    expect(
      studio.app.observability.timeline({ sources: ["latency"], limit: 10 }).events,
    ).toHaveLength(1);
    expect(card("events-off")?.events.latency).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/latency-monitor-threshold is 0/),
    });
    live.close();
  });
});
