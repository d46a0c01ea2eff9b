import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "@cachify/studio";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterNodes,
  type RedisCluster,
  startCluster,
  waitFor,
  waitForFailover,
  waitForReplicas,
} from "../harness/index.ts";

const KEYS = 1500;
const PREFIX = "rbfo:";

interface KeyState {
  type: string;
  dump: string;
  pttl: number;
}

/** Type, DUMP bytes and PTTL of every seeded key still there (read outside the product). */
async function stateOf(c: Cluster, keys: string[]): Promise<Map<string, KeyState>> {
  const out = new Map<string, KeyState>();
  await Promise.all(
    keys.map(async (k) => {
      const [type, dump, pttl] = await Promise.all([c.type(k), c.dumpBuffer(k), c.pttl(k)]);
      if (type !== "none" && dump) out.set(k, { type, dump: dump.toString("base64"), pttl });
    }),
  );
  return out;
}

describe("rollback on a 6-node cluster after a primary was SIGKILLed during a bulk delete", () => {
  let cluster: RedisCluster;
  const dir = mkdtempSync(join(tmpdir(), "cachify-cluster-rb-"));

  beforeAll(async () => {
    cluster = await startCluster();
    await waitForReplicas(cluster);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("puts back every key the delete removed, with its type, value and TTL", async () => {
    const seeds = cluster.nodes.slice(0, 3).map((n) => ({ host: "127.0.0.1", port: n.port }));
    const reader = new Cluster(seeds);
    reader.on("error", () => {});
    const keys = Array.from({ length: KEYS }, (_, i) => `${PREFIX}${i}`);
    const app = openApp({ dataDir: dir });
    try {
      await Promise.all(
        keys.map((k, i) =>
          i % 3 === 0
            ? reader.set(k, `v${i}`, "EX", 3600)
            : i % 3 === 1
              ? reader.hset(k, "a", String(i), "b", "x")
              : reader.rpush(k, "x", String(i)),
        ),
      );
      const before = await stateOf(reader, keys);
      expect(before.size).toBe(KEYS);

      const profile = app.profiles.create({
        name: "cluster-rb",
        url: cluster.url,
        timeoutMs: 1000,
        connectTimeoutMs: 500,
      });
      const plan = await app.workflows.plan({
        template: "delete-by-pattern",
        profile,
        params: { pattern: `${PREFIX}*` },
        // Slow, one attempt per batch and abort on a lost connection: the kill ends the run.
        policy: {
          batchSize: 100,
          maxOpsPerSecond: 1000,
          stepTimeoutMs: 1000,
          "retry.maxAttempts": 1,
          "abort.onConnectionLost": "abort",
        },
        origin: "cli",
      });
      expect(plan.matched).toBe(KEYS);
      const view = await clusterNodes(cluster.nodes[0]!.port);
      const victim = view.find((n) => n.primary)!;
      const replica = view.find((n) => n.primaryId === victim.id)!;
      const seedPort = view.find((n) => n.id !== victim.id && n.id !== replica.id)!.port;

      const started = await app.workflows.apply(plan.planId, { count: KEYS }, "cli");
      await waitFor(
        () => app.workflows.execution(started.executionId).processed >= KEYS / 3,
        "a third of the keys processed",
        30_000,
        10,
      );
      await cluster.nodes.find((n) => n.port === victim.port)!.process.kill("SIGKILL");
      const done = await app.workflows.finished(started.executionId);
      expect(["aborted", "succeeded", "failed"]).toContain(done.status);
      await waitForFailover(seedPort, replica.id);

      const between = await stateOf(reader, keys);
      const deleted = keys.filter((k) => !between.has(k));
      expect(deleted.length).toBeGreaterThanOrEqual(KEYS / 3);

      const res = await app
        .rollback("cli")
        .restore({ executionId: started.executionId }, { confirmation: { acknowledged: true } });
      expect(res.failed).toBe(0);
      // Keys whose batch was snapshotted but never deleted (the node died first) are conflicts:
      // still there, so skipped, never overwritten.
      expect(res.restored).toBeGreaterThanOrEqual(deleted.length);

      const after = await stateOf(reader, keys);
      expect(keys.filter((k) => !after.has(k))).toEqual([]);
      for (const k of keys) {
        const a = before.get(k)!;
        const b = after.get(k)!;
        expect([k, b.type, b.dump]).toEqual([k, a.type, a.dump]);
        if (a.pttl > 0) expect(b.pttl, k).toBeGreaterThan(a.pttl - 120_000);
        else expect(b.pttl, k).toBe(-1);
      }
    } finally {
      reader.disconnect();
      await app.close();
    }
  }, 120_000);
});
