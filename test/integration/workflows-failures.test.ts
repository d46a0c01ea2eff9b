import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "@cachify/studio";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../harness/index.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("workflow failures against a server we stop (FR-V2-007)", () => {
  let server: RedisServer;
  let redis: Redis;
  const dir = mkdtempSync(join(tmpdir(), "cachify-wff-"));
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis({
      host: "127.0.0.1",
      port: server.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    redis.on("error", () => {});
    await redis.connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a failing step retries per policy (every attempt recorded), then aborts on its rule", async () => {
    await redis.call("DEBUG", "POPULATE", "4000", "fail");
    process.env.CACHIFY_SNAPSHOTS = "off";
    const app = openApp({ dataDir: dir });
    delete process.env.CACHIFY_SNAPSHOTS;
    try {
      const profile = app.profiles.create({
        name: "failing",
        url: server.url,
        timeoutMs: 500,
        connectTimeoutMs: 300,
      });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "fail*" },
        policy: {
          batchSize: 100,
          maxOpsPerSecond: 2000,
          "retry.maxAttempts": 3,
          "retry.backoff": "exponential",
          "retry.initialDelayMs": 150,
          "retry.multiplier": 2,
          "retry.jitter": "none",
          "retry.retryOn": "connection,timeout-ambiguous",
          "abort.onConnectionLost": "abort",
        },
        origin: "cli",
      });
      expect(plan.matched).toBe(4000);
      const started = await app.workflows.apply(plan.planId, { count: 4000 }, "cli");
      // Let a few batches through, then stop the server under the running execution.
      for (
        let i = 0;
        i < 100 && app.workflows.execution(started.executionId).processed === 0;
        i++
      ) {
        await sleep(20);
      }
      await sleep(100);
      await server.process.kill("SIGKILL");
      const done = await app.workflows.finished(started.executionId);
      expect(done.status).toBe("aborted");
      expect(done.abortReason).toMatch(/connection lost/);
      expect(done.processed).toBeGreaterThan(0);
      expect(done.processed).toBeLessThan(4000);
      expect(done.failed).toBeGreaterThan(0);
      const attempts = app.workflows.timeline(started.executionId, { limit: 10_000 }).attempts;
      const failedBatch = attempts.filter((a) => a.outcome === "error");
      // Some batch went through all three attempts, spaced 150 then 300 ms (no jitter).
      const byBatch = new Map<number, typeof failedBatch>();
      for (const a of failedBatch) byBatch.set(a.batch, [...(byBatch.get(a.batch) ?? []), a]);
      const full = [...byBatch.values()].find((list) => list.length === 3)!;
      expect(full.map((a) => [a.attempt, a.delayMs])).toEqual([
        [1, 0],
        [2, 150],
        [3, 300],
      ]);
      expect(
        full.every((a) => a.errorClass === "connection" || a.errorClass === "timeout-ambiguous"),
      ).toBe(true);
      expect(done.steps[0]).toMatchObject({ name: "apply", status: "aborted" });
      expect(done.steps[0]!.retries).toBeGreaterThanOrEqual(2);
    } finally {
      await app.close();
      await server.restart();
      await redis.connect().catch(() => {});
    }
  });

  it("a studio that stops mid-execution leaves it interrupted, never silently lost", async () => {
    await redis.flushdb();
    await redis.call("DEBUG", "POPULATE", "3000", "slow");
    const dir2 = mkdtempSync(join(tmpdir(), "cachify-wfi-"));
    try {
      let app = openApp({ dataDir: dir2 });
      const profile = app.profiles.create({ name: "slow", url: server.url });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "slow*" },
        policy: { batchSize: 50, maxOpsPerSecond: 500 },
        origin: "cli",
      });
      const started = await app.workflows.apply(plan.planId, { count: 3000 }, "cli");
      await sleep(300);
      // A crash: the record on disk still says running (copy it before the graceful close).
      const onDisk = app.store.executions.get(started.executionId)!;
      expect(onDisk.status).toBe("running");
      await app.close();
      app = openApp({ dataDir: dir2 });
      const graceful = app.workflows.execution(started.executionId);
      expect(graceful.status).toBe("interrupted");
      expect(graceful.processed).toBeLessThan(3000);
      // Simulate the crash case too: a record left running is marked interrupted on open.
      app.store.executions.save({ ...onDisk, executionId: "exec_crashed" });
      await app.close();
      app = openApp({ dataDir: dir2 });
      const crashed = app.workflows.execution("exec_crashed");
      expect(crashed.status).toBe("interrupted");
      expect(crashed.abortReason).toMatch(/studio stopped/);
      await app.close();
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it("a dry-run of 1M matching keys pages from disk without loading them all", async () => {
    await redis.flushdb();
    await redis.call("DEBUG", "POPULATE", "1000000", "big");
    const dir3 = mkdtempSync(join(tmpdir(), "cachify-wfb-"));
    process.env.CACHIFY_SNAPSHOTS = "off";
    const app = openApp({ dataDir: dir3 });
    delete process.env.CACHIFY_SNAPSHOTS;
    try {
      const profile = app.profiles.create({ name: "big", url: server.url });
      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peakHeap = heapBefore;
      const timer = setInterval(() => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }, 20);
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "big*" },
        origin: "cli",
      });
      clearInterval(timer);
      expect(plan).toMatchObject({ matched: 1_000_000, complete: true });
      // A million keys as Buffers would be well over 100 MB of heap; the plan keeps none.
      expect(peakHeap - heapBefore).toBeLessThan(150 * 1024 * 1024);
      const last = await app.workflows.page(plan.planId, 999, 1000, "cli");
      expect(last.rows).toHaveLength(1000);
      expect(last.pages).toBe(1000);
      const mid = await app.workflows.page(plan.planId, 500, 1000, "cli");
      expect(mid.rows[0]!.change).toBe("delete");
      const firstKeys = new Set(
        (await app.workflows.page(plan.planId, 0, 1000, "cli")).rows.map((r) =>
          Buffer.from(r.key).toString(),
        ),
      );
      expect(last.rows.some((r) => firstKeys.has(Buffer.from(r.key).toString()))).toBe(false);
    } finally {
      await app.close();
      rmSync(dir3, { recursive: true, force: true });
      await redis.flushdb();
    }
  }, 120_000);
});
