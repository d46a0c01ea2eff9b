import { Redis } from "ioredis";
import type { RedisServer } from "../test/harness/index.ts";
import type { BenchResult } from "./report.ts";
import { benchApp, planAndApply, rate, secs } from "./workflows-common.ts";

/** Samples this process's RSS while `work` runs; returns the peak in bytes. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  try {
    const value = await work();
    return { value, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * B2: delete by pattern with a durable pre-image (DUMP + PTTL, encrypted, committed to SQLite)
 * of every key before its batch is sent, against the naive loop that keeps every DUMP in memory
 * and then UNLINKs. Ours runs first so the baseline's memory does not inflate our peak.
 */
export async function benchDeleteWithSnapshots(
  redis: RedisServer,
  keys: number,
): Promise<BenchResult> {
  const raw = new Redis({ host: redis.host, port: redis.port });
  const { app, cleanup } = benchApp(true);
  try {
    const profile = app.profiles.create({ name: "b2", url: redis.url });
    await raw.flushdb();
    await raw.call("DEBUG", "POPULATE", String(keys), "user");
    const ours = await peakRss(async () => {
      const t = performance.now();
      const r = await planAndApply(app, profile, "delete-by-pattern", { pattern: "user*" });
      return { ms: performance.now() - t, r };
    });
    if ((await raw.dbsize()) !== 0) throw new Error("B2: workflow left keys");
    const saved = app.store.snapshots.list({
      executionId: ours.value.r.execution.executionId,
      limit: 100_000,
    }).length;
    if (saved < Math.min(keys, 100_000)) throw new Error(`B2: only ${saved} snapshots saved`);

    await raw.call("DEBUG", "POPULATE", String(keys), "user");
    const base = await peakRss(async () => {
      const t = performance.now();
      const kept: [Buffer | null, number][] = [];
      let cursor = "0";
      do {
        const [next, found] = (await raw.scan(cursor, "MATCH", "user*", "COUNT", 1000)) as [
          string,
          string[],
        ];
        cursor = next;
        if (found.length === 0) continue;
        const p = raw.pipeline();
        for (const k of found) p.dumpBuffer(k).pttl(k);
        const replies = (await p.exec()) ?? [];
        for (let i = 0; i < replies.length; i += 2) {
          kept.push([replies[i]![1] as Buffer | null, replies[i + 1]![1] as number]);
        }
        const u = raw.pipeline();
        for (const k of found) u.unlink(k);
        await u.exec();
      } while (cursor !== "0");
      return { ms: performance.now() - t, kept: kept.length };
    });
    const ratio = ours.value.ms / base.value.ms;
    const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
    return {
      id: "B2",
      what: `delete by pattern, ${keys.toLocaleString("en-US")} keys, snapshots durable first`,
      ours: `${secs(ours.value.ms)} (${rate(keys, ours.value.ms)}), peak RSS ${mb(ours.peak)}`,
      baseline: `${secs(base.value.ms)} (${rate(keys, base.value.ms)}), peak RSS ${mb(base.peak)}`,
      ratio,
      target: "≤ 0.7 × naive in-memory DUMP loop, RSS ≤ 300 MB",
      pass: ratio <= 0.7 && ours.peak <= 300 * 1024 * 1024,
      note: "ours = dry-run + apply with every pre-image encrypted and committed before its batch; baseline = SCAN + pipelined DUMP/PTTL kept in memory + pipelined UNLINK per page",
    };
  } finally {
    raw.disconnect();
    await cleanup();
  }
}
