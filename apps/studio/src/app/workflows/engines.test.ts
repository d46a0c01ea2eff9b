import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type MemcachedServer,
  memcachedCommand,
  startMemcached,
} from "../../../../../test/harness/index.ts";
import { planAndApply, tempApp } from "../../../../../test/support/temp-app.ts";

const servers = inject("servers");
const P = `wfe${process.pid}:`;

describe("workflows on Redis Cluster: every primary, no cross-slot command", () => {
  const t = tempApp();
  const cluster = new Cluster([{ host: "127.0.0.1", port: servers.cluster.ports[0]! }]);
  afterAll(async () => {
    cluster.disconnect();
    await t.close();
  });

  it("delete-by-pattern and ttl-normalize across slots", async () => {
    const profile = t.app.profiles.create({ name: "wf-cluster", url: servers.cluster.url });
    for (let i = 0; i < 300; i++) await cluster.set(`${P}c:${i}`, "v");
    const plan = await t.app.workflows.plan({
      template: "ttl-normalize",
      profile,
      params: { pattern: `${P}c:*`, ttl: 900, mode: "persistent-only" },
      origin: "cli",
    });
    expect(plan.matched).toBe(300);
    expect(plan.notes.join(" ")).toMatch(/every primary is scanned in parallel/);
    const started = await t.app.workflows.apply(plan.planId, { count: 300 }, "cli");
    expect((await t.app.workflows.finished(started.executionId)).applied).toBe(300);
    expect(await cluster.ttl(`${P}c:7`)).toBeGreaterThan(800);
    const r = await planAndApply(t.app, profile, "delete-by-pattern", { pattern: `${P}c:*` });
    expect(r.execution).toMatchObject({ status: "succeeded", applied: 300, failed: 0 });
    expect((await cluster.exists(`${P}c:1`)) + (await cluster.exists(`${P}c:299`))).toBe(0);
  });
});

describe("workflows on Memcached: listing by metadump, capability messages", () => {
  const t = tempApp();
  // A memcached of its own: the shared one is listed and changed by other test files at once.
  let own: MemcachedServer;
  beforeAll(async () => {
    own = await startMemcached();
  });
  const mc = (line: string, until?: string) => memcachedCommand(own.port, line, until);
  afterAll(async () => {
    await t.close();
    await own.stop();
  });

  it("runs delete-by-pattern, ttl-normalize and warmup-set; says what it cannot do", async () => {
    const profile = t.app.profiles.create({ name: "wf-mc", url: own.url });
    for (let i = 0; i < 20; i++) await mc(`set ${P}m:${i} 0 0 1\r\nv`, "\r\n");
    await mc(`set ${P}m:ttl 0 100 1\r\nv`, "\r\n");
    const wf = t.app.workflows;
    await expect(
      wf.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: `${P}m:*`, type: "hash" },
        origin: "cli",
      }),
    ).rejects.toMatchObject({ code: "capability" });
    const ttl = await wf.plan({
      template: "ttl-normalize",
      profile,
      params: { pattern: `${P}m:*`, ttl: 50, mode: "clamp-max" },
      origin: "cli",
    });
    expect(ttl.matched).toBe(21);
    expect(ttl.notes.join(" ")).toMatch(/best effort|not a point-in-time/i);
    expect(ttl.notes.join(" ")).toMatch(/no conditional TTL update/);
    expect(ttl.nodes).toEqual([`127.0.0.1:${own.port}`]);
    const page = await wf.page(ttl.planId, 0, 5, "cli");
    expect(page.rows[0]).toMatchObject({ type: "string", change: "expire", ttlAfterMs: 50_000 });
    const s1 = await wf.apply(ttl.planId, { count: 21 }, "cli");
    expect((await wf.finished(s1.executionId)).applied).toBe(21);
    expect(await mc(`mg ${P}m:3 t`, "\r\n")).toMatch(/HD t(4\d|50)/);
    const warm = await wf.plan({
      template: "warmup-set",
      profile,
      params: {
        entries: [
          { key: `${P}m:0`, value: "fresh" },
          { key: `${P}m:new`, value: "nope" },
        ],
        condition: "if-present",
      },
      origin: "cli",
    });
    expect(warm).toMatchObject({ matched: 1, unchanged: 1 });
    const s2 = await wf.apply(warm.planId, { count: 1 }, "cli");
    expect((await wf.finished(s2.executionId)).applied).toBe(1);
    expect(await mc(`mg ${P}m:0 v`, "\r\n")).toMatch(/VA 5/);
    const del = await planAndApply(t.app, profile, "delete-by-pattern", { pattern: `${P}m:*` });
    expect(del.execution).toMatchObject({ status: "succeeded", applied: 21 });
    expect(await mc(`mg ${P}m:5 v`, "\r\n")).toBe("EN\r\n");
    await expect(
      wf.plan({
        template: "warmup-set",
        profile,
        params: { entries: [{ key: "has space", value: "v" }] },
        origin: "cli",
      }),
    ).rejects.toThrow(/^Entry 1: its key holds a space at byte 4; memcached keys cannot/);
  });
});
