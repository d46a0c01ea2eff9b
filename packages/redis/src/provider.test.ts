import { buildProfile, type ConnectionProfile, displayKey, keyFromText } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, startRedis } from "../../../test/harness/index.ts";
import { makeTestGate } from "../../../test/support/gate.ts";
import { createRedisProvider } from "./provider.ts";

const servers = inject("servers");
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

describe.each([
  ["standalone", () => servers.redis.url],
  ["cluster", () => servers.cluster.url],
])("Redis provider (%s)", (mode, url) => {
  const t = makeTestGate(createRedisProvider);
  const profile = buildProfile({ name: `redis-${mode}`, url: url(), timeoutMs: 3000 });
  const run = <O extends Parameters<typeof t.gate.run>[1]>(op: O) =>
    t.gate.run(profile, op, { origin: "cli", confirmation: { acknowledged: true } });
  const prefix = `prov-${mode}:`;

  afterAll(() => t.close());

  it("sets, gets with TTL, expires, persists and deletes a string", async () => {
    const key = keyFromText(`${prefix}greeting`);
    await run({ kind: "set", key, value: keyFromText("hello"), ttlSeconds: 100 });
    const read = await run({ kind: "get", key });
    expect(read.type).toBe("string");
    expect(text(read.value)).toBe("hello");
    expect(read.ttlMs).toBeGreaterThan(90_000);
    expect((await run({ kind: "expire", key, ttlSeconds: -1 })).applied).toBe(true);
    expect((await run({ kind: "get", key })).ttlMs).toBe(-1);
    expect((await run({ kind: "delete", keys: [key] })).deleted).toBe(1);
    expect((await run({ kind: "get", key })).type).toBe("none");
  });

  it("keeps binary keys and values byte for byte", async () => {
    const key = new Uint8Array([...Buffer.from(`${prefix}bin:`), 0x00, 0xff, 0x0a]);
    const value = new Uint8Array([0, 1, 2, 255, 254]);
    await run({ kind: "set", key, value });
    const read = await run({ kind: "get", key });
    expect(Buffer.from(read.value!)).toEqual(Buffer.from(value));
    expect(displayKey(key)).toBe(`${prefix}bin:\\x00\\xff\\n`);
    await run({ kind: "delete", keys: [key] });
  });

  it("scans every key of a pattern across pages (all primaries on a cluster), with types", async () => {
    const keys = Array.from({ length: 250 }, (_, i) => keyFromText(`${prefix}scan:${i}`));
    await Promise.all(keys.map((key) => run({ kind: "set", key, value: keyFromText("v") })));
    await run({ kind: "set", key: keyFromText(`${prefix}other`), value: keyFromText("v") });
    const seen = new Set<string>();
    let cursor = "0";
    let pages = 0;
    do {
      const page = await run({ kind: "scan", cursor, match: `${prefix}scan:*`, count: 50 });
      for (const k of page.keys) seen.add(Buffer.from(k).toString());
      expect(page.total).toBeGreaterThanOrEqual(251);
      cursor = page.cursor;
      pages++;
      if (page.done) break;
    } while (pages < 1000);
    expect(seen.size).toBe(250);
    expect(pages).toBeGreaterThan(1);
    const info = await run({ kind: "describe", keys: keys.slice(0, 3) });
    expect(info.map((i) => i.type)).toEqual(["string", "string", "string"]);
    expect(info[0]!.ttlMs).toBe(-1);
    expect(info[0]!.sizeBytes).toBeGreaterThan(0);
    expect((await run({ kind: "delete", keys })).deleted).toBe(250);
  });

  it("reports stats with a version and a key count", async () => {
    const stats = await run({ kind: "stats" });
    expect(stats.version).toMatch(/^\d+\./);
    expect(stats.keys).toBeGreaterThanOrEqual(0);
  });
});

describe("Redis provider failure paths", () => {
  let server: RedisServer;
  let profile: ConnectionProfile;
  const t = makeTestGate(createRedisProvider);

  beforeAll(async () => {
    server = await startRedis();
    profile = buildProfile({ name: "paused", url: server.url, timeoutMs: 400 });
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it("times out on a paused server within the timeout plus 250 ms, then recovers", async () => {
    await t.gate.run(profile, { kind: "ping" }, { origin: "cli" });
    server.process.pause();
    const started = performance.now();
    try {
      await expect(
        t.gate.run(profile, { kind: "get", key: keyFromText("k") }, { origin: "cli" }),
      ).rejects.toMatchObject({ code: "timeout" });
    } finally {
      server.process.resume();
    }
    expect(performance.now() - started).toBeLessThan(400 + 250);
    expect(t.history.events.at(-1)).toMatchObject({ kind: "get", outcome: "timeout" });
    const read = await t.gate.run(
      profile,
      { kind: "get", key: keyFromText("k") },
      { origin: "cli" },
    );
    expect(read.type).toBe("none");
  });

  it("says connection refused with what to check", async () => {
    const dead = buildProfile({ name: "dead", url: "redis://127.0.0.1:1", timeoutMs: 2000 });
    await expect(t.gate.run(dead, { kind: "ping" }, { origin: "cli" })).rejects.toMatchObject({
      code: "connection",
      message: expect.stringMatching(/connection refused.*Check that the server is running/),
    });
  });
});
