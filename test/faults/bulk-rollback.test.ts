import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "@cachify/studio";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MemcachedServer,
  type RedisServer,
  startMemcached,
  startRedis,
} from "../harness/index.ts";
import { CLI_BIN, spawnCli } from "../support/cli.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SLOW = {
  batchSize: 100,
  maxOpsPerSecond: 800,
  "retry.maxAttempts": 1,
  "abort.onConnectionLost": "abort",
};

interface Seeded {
  key: string;
  type: string;
  dump: string;
  pttl: number;
}

/** What every seeded key holds now (type, DUMP bytes, PTTL), read straight from the server. */
async function state(r: Redis, keys: string[]): Promise<Map<string, Seeded>> {
  const p = r.pipeline();
  for (const k of keys) p.type(k).dumpBuffer(k).pttl(k);
  const out = (await p.exec()) ?? [];
  const m = new Map<string, Seeded>();
  keys.forEach((key, i) => {
    const type = String(out[3 * i]![1]);
    if (type === "none") return;
    m.set(key, {
      key,
      type,
      dump: (out[3 * i + 1]![1] as Buffer).toString("base64"),
      pttl: Number(out[3 * i + 2]![1]),
    });
  });
  return m;
}

describe("rollback after a bulk delete that failed half-way (server killed)", () => {
  let server: RedisServer;
  let r: Redis;
  const dir = mkdtempSync(join(tmpdir(), "cachify-bulkrb-"));
  beforeAll(async () => {
    server = await startRedis({ persist: true, args: ["--appendfsync", "always"] });
    r = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    r.on("error", () => {});
    await r.connect();
  });
  afterAll(async () => {
    r.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("restores every processed key's value, type and TTL (Redis)", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const k = `bulk:${i}`;
      keys.push(k);
      if (i % 3 === 0) await r.set(k, `v${i}`, "EX", 3600);
      else if (i % 3 === 1) await r.hset(k, "a", String(i), "b", "x");
      else await r.rpush(k, "x", String(i));
    }
    const before = await state(r, keys);
    const app = openApp({ dataDir: dir });
    try {
      const profile = app.profiles.create({
        name: "bulk",
        url: server.url,
        timeoutMs: 500,
        connectTimeoutMs: 300,
      });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "bulk:*" },
        policy: SLOW,
        origin: "cli",
      });
      expect(plan.matched).toBe(1200);
      const started = await app.workflows.apply(plan.planId, { count: 1200 }, "cli");
      for (let i = 0; i < 200 && app.workflows.execution(started.executionId).processed < 300; i++)
        await sleep(10);
      await server.process.kill("SIGKILL");
      const done = await app.workflows.finished(started.executionId);
      expect(done.status).toBe("aborted");
      await server.restart();
      await r.connect().catch(() => {});
      const after = await state(r, keys);
      const deleted = keys.filter((k) => !after.has(k));
      expect(deleted.length).toBeGreaterThan(0);
      expect(deleted.length).toBeLessThan(1200);
      // Every key the server lost has its pre-image.
      const snaps = app.store.snapshots.list({ executionId: started.executionId, limit: 100_000 });
      const snapped = new Set(snaps.map((s) => Buffer.from(s.key).toString()));
      expect(deleted.filter((k) => !snapped.has(k))).toEqual([]);

      const res = await app
        .rollback("cli")
        .restore({ executionId: started.executionId }, { confirmation: { acknowledged: true } });
      expect(res.failed).toBe(0);
      const restored = await state(r, keys);
      expect(restored.size).toBe(1200);
      for (const k of keys) {
        const a = before.get(k)!;
        const b = restored.get(k)!;
        expect(b.type, k).toBe(a.type);
        expect(b.dump, k).toBe(a.dump);
        if (a.pttl > 0) expect(Math.abs(b.pttl - a.pttl), k).toBeLessThan(60_000);
        else expect(b.pttl, k).toBe(-1);
      }
      console.log(
        `bulk rollback (redis): ${deleted.length} of 1200 deleted before the kill, all restored`,
      );
    } finally {
      await app.close();
    }
  });
});

describe("rollback after a bulk delete on memcached that was restarted half-way", () => {
  let mc: MemcachedServer;
  const dir = mkdtempSync(join(tmpdir(), "cachify-bulkmc-"));
  beforeAll(async () => {
    mc = await startMemcached();
  });
  afterAll(async () => {
    await mc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts back the processed keys with their values and flags", async () => {
    for (let i = 0; i < 600; i++)
      await mc.command(`ms mb:${i} ${String(i).length} T3600 F7\r\n${i}`);
    const app = openApp({ dataDir: dir });
    try {
      const profile = app.profiles.create({
        name: "mcbulk",
        url: mc.url,
        timeoutMs: 500,
        connectTimeoutMs: 300,
      });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "mb:*" },
        policy: SLOW,
        origin: "cli",
      });
      expect(plan.matched).toBe(600);
      const started = await app.workflows.apply(plan.planId, { count: 600 }, "cli");
      for (let i = 0; i < 200 && app.workflows.execution(started.executionId).processed < 200; i++)
        await sleep(10);
      await mc.restart(); // memcached keeps nothing across a restart
      const done = await app.workflows.finished(started.executionId);
      expect(["aborted", "failed", "succeeded"]).toContain(done.status);
      const processed = app.store.snapshots.list({
        executionId: started.executionId,
        limit: 100_000,
      });
      expect(processed.length).toBeGreaterThan(0);
      const res = await app
        .rollback("cli")
        .restore(
          { executionId: started.executionId },
          { force: true, confirmation: { acknowledged: true } },
        );
      expect(res.failed).toBe(0);
      for (const s of processed.slice(0, 50)) {
        const k = Buffer.from(s.key).toString();
        const reply = await mc.command(`mg ${k} v f`, "\r\n");
        expect(reply, k).toMatch(/^VA \d+ f7/);
      }
    } finally {
      await app.close();
    }
  });
});

describe("the CLI killed (SIGKILL) in the middle of a snapshot-backed delete", () => {
  let server: RedisServer;
  let r: Redis;
  const home = mkdtempSync(join(tmpdir(), "cachify-kill-"));
  beforeAll(async () => {
    server = await startRedis();
    r = new Redis({ port: server.port });
  });
  afterAll(async () => {
    r.disconnect();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it("leaves every deleted key with a durable snapshot, and the execution interrupted", async () => {
    await r.call("DEBUG", "POPULATE", "3000", "kill");
    const env = { CACHIFY_HOME: home };
    expect((await spawnCli(["profile", "add", "k", "--url", server.url], env)).code).toBe(0);
    const plan = await spawnCli(
      [
        "workflow",
        "plan",
        "delete-by-pattern",
        "--profile",
        "k",
        "--param",
        "pattern=kill:*",
        "--policy",
        "maxOpsPerSecond=2000",
        "--policy",
        "batchSize=100",
        "--json",
      ],
      env,
    );
    expect(plan.code, plan.stderr).toBe(0);
    const { planId, matched } = plan.json<{ planId: string; matched: number }>();
    expect(matched).toBe(3000);
    const child = spawn(CLI_BIN, ["workflow", "apply", planId, "--confirm-count", "3000"], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    for (let i = 0; i < 300 && (await r.dbsize()) > 2000; i++) await sleep(10);
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    const left = await r.dbsize();
    expect(left).toBeLessThan(3000);
    expect(left).toBeGreaterThan(0);
    const present = new Set<string>();
    let cursor = "0";
    do {
      const [next, found] = await r.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const k of found) present.add(k);
    } while (cursor !== "0");
    const list = await spawnCli(
      ["rollback", "list", "--profile", "k", "--limit", "100000", "--json"],
      env,
    );
    const snapped = new Set(
      list.json<{ snapshots: { key: string }[] }>().snapshots.map((s) => s.key),
    );
    const deleted = Array.from({ length: 3000 }, (_, i) => `kill:${i}`).filter(
      (k) => !present.has(k),
    );
    expect(deleted.length).toBe(3000 - left);
    expect(deleted.filter((k) => !snapped.has(k))).toEqual([]);
    const hist = await spawnCli(["history", "list", "--json"], env);
    expect(hist.json<{ executions: { status: string }[] }>().executions[0]!.status).toBe(
      "interrupted",
    );
    console.log(`SIGKILL mid-delete: ${deleted.length} deleted, every one with a durable snapshot`);
  });
});
