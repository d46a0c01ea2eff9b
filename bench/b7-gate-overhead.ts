import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyFromText } from "@cachify/core";
import { openApp } from "@cachify/studio";
import { Redis } from "ioredis";
import type { RedisServer } from "../test/harness/index.ts";
import { type BenchResult, percentile, us } from "./report.ts";

/**
 * B7: one GET through the whole gate (classify, policy, guardrail, timeout, provider, audit into
 * SQLite, metrics) against the same GET on a raw ioredis client, interleaved so both see the
 * same machine noise. Target: p50 overhead ≤ 100 µs.
 */
export async function benchGateOverhead(redis: RedisServer, rounds: number): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-bench-"));
  const app = openApp({ dataDir });
  const raw = new Redis({ host: redis.host, port: redis.port, enableOfflineQueue: true });
  try {
    const profile = app.profiles.create({ name: "bench", url: redis.url });
    await raw.set("bench:k", "v".repeat(100));
    const key = keyFromText("bench:k");
    const viaGate = () => app.gate.run(profile, { kind: "get", key }, { origin: "cli" });
    for (let i = 0; i < 500; i++) {
      await viaGate();
      await raw.getBuffer("bench:k");
    }
    const gate: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await viaGate();
      gate.push(performance.now() - t);
      t = performance.now();
      await raw.getBuffer("bench:k");
      base.push(performance.now() - t);
    }
    const g = percentile(gate, 50);
    const b = percentile(base, 50);
    const overhead = g - b;
    return {
      id: "B7",
      what: "GET through the gate vs raw ioredis (p50)",
      ours: us(g),
      baseline: us(b),
      ratio: g / b,
      target: "overhead ≤ 100 µs",
      pass: overhead <= 0.1,
      note: `p50 overhead ${us(overhead)}; p95 gate ${us(percentile(gate, 95))} vs raw ${us(percentile(base, 95))}; ${rounds} rounds, history written to SQLite for each`,
    };
  } finally {
    raw.disconnect();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
