import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStudio } from "@cachify/studio";
import { Redis } from "ioredis";
import type { RedisServer } from "../test/harness/index.ts";
import { type BenchResult, msText, percentile } from "./report.ts";

/**
 * B9: the key browser's first page on a database of `keys` keys, as the UI asks for it (HTTP API:
 * SCAN one page, then type and TTL of its keys in one pipeline), against the same work done by a
 * bare ioredis client. Target: ≤ 100 ms.
 */
export async function benchBrowserFirstPage(
  redis: RedisServer,
  keys: number,
): Promise<BenchResult> {
  const raw = new Redis({ host: redis.host, port: redis.port });
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-bench-"));
  const studio = await startStudio({ dataDir, port: 0 });
  try {
    await raw.flushdb();
    await raw.call("DEBUG", "POPULATE", String(keys), "user");
    const profile = studio.app.profiles.create({ name: "b9", url: redis.url });
    const url = `http://127.0.0.1:${studio.port}/api/profiles/${profile.id}/keys?count=500`;
    const headers = { authorization: `Bearer ${studio.token}` };
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < 12; i++) {
      let t = performance.now();
      const res = await fetch(url, { headers });
      const page = (await res.json()) as { keys: unknown[] };
      if (!res.ok || page.keys.length === 0)
        throw new Error(`B9: first page failed (${res.status})`);
      ours.push(performance.now() - t);
      t = performance.now();
      const [, found] = (await raw.scan("0", "COUNT", 500)) as [string, string[]];
      const pipe = raw.pipeline();
      for (const k of found) pipe.type(k).pttl(k);
      await pipe.exec();
      base.push(performance.now() - t);
    }
    const o = percentile(ours.slice(2), 50);
    const b = percentile(base.slice(2), 50);
    return {
      id: "B9",
      what: `key browser first page, ${keys.toLocaleString("en-US")} keys (p50)`,
      ours: msText(o),
      baseline: msText(b),
      ratio: o / b,
      target: "≤ 100 ms",
      pass: o <= 100,
      note: "ours = HTTP API round trip incl. JSON; baseline = bare ioredis SCAN + pipelined TYPE/PTTL",
    };
  } finally {
    raw.disconnect();
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
