import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/harness/index.ts";
import { openApp } from "../composition/open-app.ts";

const KEYS = 150_000;

describe("rollback of an execution larger than one listing (150k keys)", () => {
  // A server of its own: 150k keys in the shared one would push other tests' keys off their
  // first SCAN page.
  let server: RedisServer;
  let r: Redis;
  const dir = mkdtempSync(join(tmpdir(), "cachify-rb-large-"));
  beforeAll(async () => {
    server = await startRedis();
    r = new Redis({ port: server.port, host: "127.0.0.1" });
  });
  afterAll(async () => {
    r?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts back every key, a page at a time, and lists only what went wrong", async () => {
    await r.call("DEBUG", "POPULATE", String(KEYS), "rblarge");
    const app = openApp({ dataDir: dir });
    try {
      const profile = app.profiles.create({ name: "large", url: server.url });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: "rblarge:*" },
        origin: "cli",
        wait: "complete",
      });
      expect(plan.matched).toBe(KEYS);
      const started = await app.workflows.apply(plan.planId, { count: KEYS }, "cli");
      expect((await app.workflows.finished(started.executionId)).processed).toBe(KEYS);
      expect(await r.exists("rblarge:0", "rblarge:149999")).toBe(0);
      // Someone changes one deleted key after the run: a conflict, skipped and reported.
      await r.set("rblarge:7", "theirs");

      const progress: { done: number; total: number }[] = [];
      const res = await app.rollback("cli").restore(
        { executionId: started.executionId },
        {
          confirmation: { acknowledged: true },
          onProgress: (p) =>
            progress.push({ done: p.restored + p.skipped + p.failed, total: p.total }),
        },
      );
      // One report per page of 2,000 keys, each further on, the last one at the total.
      expect(progress).toHaveLength(KEYS / 2000);
      expect(
        progress.every((p, i) => p.total === KEYS && (i === 0 || p.done > progress[i - 1]!.done)),
      ).toBe(true);
      expect(progress.at(-1)!.done).toBe(KEYS);
      expect(res).toMatchObject({ restored: KEYS - 1, skipped: 1, failed: 0 });
      expect(res.items.filter((i) => i.status === "skipped").map((i) => i.key)).toEqual([
        "rblarge:7",
      ]);
      expect(res.items.length + res.itemsOmitted).toBe(KEYS);
      expect(res.items.length).toBeLessThan(2000);
      let count = 0;
      let cursor = "0";
      do {
        const [next, keys] = await r.scan(cursor, "MATCH", "rblarge:*", "COUNT", 5000);
        cursor = next;
        count += keys.length;
      } while (cursor !== "0");
      expect(count).toBe(KEYS);
      expect(await r.mget("rblarge:0", "rblarge:7", "rblarge:149999")).toEqual([
        "value:0",
        "theirs",
        "value:149999",
      ]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
