import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, openApp } from "@cachify/studio";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterNodes,
  type RedisCluster,
  startCluster,
  waitFor,
  waitForFailover,
  waitForReplicas,
} from "../harness/index.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The replica's replication offset behind its primary's, in bytes ("?" when unreadable). */
async function replicationLag(primaryPort: number, replicaPort: number): Promise<string> {
  const offset = async (port: number, field: string) => {
    const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await c.connect();
      const info = await c.info("replication");
      return Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1]);
    } finally {
      c.disconnect();
    }
  };
  try {
    const [p, r] = await Promise.all([
      offset(primaryPort, "master_repl_offset"),
      offset(replicaPort, "slave_repl_offset"),
    ]);
    return Number.isFinite(p - r) ? `${p - r} bytes` : "?";
  } catch {
    return "?";
  }
}
const KEYS = 3000;
const PREFIX = "fo:";
const BATCH = 100;

/**
 * Slow (100 keys a batch, 800 keys/s, 4 batches in flight), five attempts with exponential
 * backoff (500, 1000, 2000, 2000 ms between them). A failover with cluster-node-timeout 3000 ms
 * takes 4-6 s: the batches in flight at the kill (and those started while the cluster is down)
 * meet a dropped connection, ECONNREFUSED, then CLUSTERDOWN and finally MOVED to the promoted
 * replica. Inside a step the batch re-routes those keys itself (cluster-route.ts); when the
 * step's time is up first it hands back a retryable error with the outcome of the keys already
 * answered, and the workflow's retry of the batch sends only the others.
 *
 * Run twice: with a 2 s step timeout (shorter than the failover: the workflow's retries carry the
 * batches through) and a 10 s one (the batch rides the failover out within one step). The retry
 * window is 5 steps plus 5.5 s of backoff: a failover inside it must leave nothing failed and
 * every key deleted.
 * onConnectionLost "abort" (the default, runner.ts): a batch whose retries ran out on a lost
 * connection stops the run; the other abort rules keep their defaults (error ratio 5%, 3 failed
 * batches in a row).
 */
function policyFor(stepMs: number) {
  return {
    batchSize: BATCH,
    maxOpsPerSecond: 800,
    stepTimeoutMs: stepMs,
    executionTimeoutMs: 90_000,
    "retry.maxAttempts": 5,
    "retry.backoff": "exponential",
    "retry.initialDelayMs": 500,
    "retry.multiplier": 2,
    "retry.maxDelayMs": 2000,
    "retry.jitter": "none",
    "retry.retryOn": "connection,timeout-ambiguous,TRYAGAIN,CLUSTERDOWN,MASTERDOWN,READONLY",
    "abort.onConnectionLost": "abort",
  };
}

/** Attempts × step timeout + the backoff between them, less a second for the round trips. */
const retryWindowMs = (stepMs: number) => 5 * stepMs + 500 + 1000 + 2000 + 2000 - 1000;

/** Every key matching the prefix on the given primaries (SCAN, outside the product). */
async function keysOn(ports: number[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const port of ports) {
    const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    r.on("error", () => {});
    try {
      await r.connect();
      let cursor = "0";
      do {
        const [next, keys] = await r.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", 1000);
        cursor = next;
        for (const k of keys) found.add(k);
      } while (cursor !== "0");
    } finally {
      r.disconnect();
    }
  }
  return found;
}

describe.each([{ stepMs: 2000 }, { stepMs: 10_000 }])(
  "delete-by-pattern on a 6-node cluster while a primary is SIGKILLed (step timeout $stepMs ms)",
  ({ stepMs }) => {
    let cluster: RedisCluster;
    const dir = mkdtempSync(join(tmpdir(), "cachify-failover-"));

    beforeAll(async () => {
      cluster = await startCluster();
    }, 120_000);

    afterAll(async () => {
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it("completes with exact counts and every planned key deleted when the replica takes over in the retry window", async () => {
      // Seed ~3,000 keys over all slots (outside the product).
      const seeder = new Cluster(
        cluster.nodes.slice(0, 3).map((n) => ({ host: "127.0.0.1", port: n.port })),
        { enableAutoPipelining: true },
      );
      const seeded = Array.from({ length: KEYS }, (_, i) => `${PREFIX}${i}`);
      try {
        for (let i = 0; i < KEYS; i += 500) {
          await Promise.all(seeded.slice(i, i + 500).map((k) => seeder.set(k, `v-${k}`)));
        }
      } finally {
        seeder.disconnect();
      }
      await waitForReplicas(cluster);
      const survivorsBefore = await clusterNodes(cluster.nodes[0]!.port);
      const primaries = survivorsBefore.filter((n) => n.primary);
      expect(primaries).toHaveLength(3);
      // Spread over all slots: each primary holds about a third.
      let total = 0;
      const ownerOf = new Map<string, number>();
      for (const p of primaries) {
        const own = await keysOn([p.port]);
        for (const k of own) ownerOf.set(k, p.port);
        const n = own.size;
        expect(n).toBeGreaterThan(KEYS / 4);
        total += n;
      }
      expect(total).toBe(KEYS);

      process.env.CACHIFY_SNAPSHOTS = "off";
      let app: App | undefined = openApp({ dataDir: dir });
      delete process.env.CACHIFY_SNAPSHOTS;
      try {
        const profile = app.profiles.create({
          name: "failover",
          url: cluster.url,
          timeoutMs: 2000,
          connectTimeoutMs: 500,
        });
        const plan = await app.workflows.plan({
          template: "delete-by-pattern",
          profile,
          params: { pattern: `${PREFIX}*` },
          policy: policyFor(stepMs),
          origin: "cli",
        });
        expect(plan).toMatchObject({ status: "ready", matched: KEYS, complete: true });

        // The victim: the primary owning most of the plan's second half (the plan lists each
        // primary's keys in turn, so a kill at half-way must hit one that still has work to do).
        const late = new Map<number, number>();
        for (const item of app.store.plans.items(plan.planId, KEYS / 2 + 2 * BATCH, KEYS)) {
          const port = ownerOf.get(Buffer.from(item.key).toString())!;
          late.set(port, (late.get(port) ?? 0) + 1);
        }
        const victim = [...primaries].sort(
          (a, b) => (late.get(b.port) ?? 0) - (late.get(a.port) ?? 0),
        )[0]!;
        expect(late.get(victim.port) ?? 0).toBeGreaterThan(100);
        const victimNode = cluster.nodes.find((n) => n.port === victim.port)!;
        const replica = survivorsBefore.find((n) => n.primaryId === victim.id)!;
        expect(replica).toBeDefined();

        const t0 = Date.now();
        const started = await app.workflows.apply(plan.planId, { count: KEYS }, "cli");
        // Half-way: the execution has processed about half the keys.
        await waitFor(
          () => {
            const e = app!.workflows.execution(started.executionId);
            return e.processed + e.failed >= KEYS / 2 || e.status !== "running";
          },
          "the execution to reach half-way",
          30_000,
          10,
        );
        const atKill = app.workflows.execution(started.executionId);
        expect(atKill.status).toBe("running");
        // How far the victim's replica was behind at the kill (replication is asynchronous): said
        // with any failure below, so a lost acknowledged delete explains itself.
        const lag = await replicationLag(victim.port, replica.port);
        await victimNode.process.kill("SIGKILL");
        const killedAt = Date.now();
        // When the replica takes over, as a node that is neither the victim nor its replica sees it
        // (polled while the workflow runs).
        const seedPort = survivorsBefore.find(
          (n) => n.id !== victim.id && n.id !== replica.id,
        )!.port;
        const promoted = waitForFailover(seedPort, replica.id, 50).then(
          () => Date.now() - killedAt,
        );

        // No hang: the execution ends (succeeded or aborted) within a bound.
        const BOUND_MS = 60_000;
        const done = await Promise.race([
          app.workflows.finished(started.executionId),
          sleep(BOUND_MS).then(() => {
            throw new Error(`the execution did not end within ${BOUND_MS} ms of the kill`);
          }),
        ]);
        const endedAfterKill = Date.now() - killedAt;
        const attempts = app.workflows.timeline(started.executionId, { limit: 100_000 }).attempts;
        expect(["succeeded", "aborted"]).toContain(done.status);
        if (done.status === "aborted") expect(done.abortReason).toBeTruthy();

        // The replica took over: the cluster is whole again (checked on a surviving node).
        const failoverMs = await promoted;
        const after = await clusterNodes(seedPort);
        const livePrimaries = after.filter((n) => n.primary && !n.failed).map((n) => n.port);
        expect(livePrimaries).toHaveLength(3);
        expect(livePrimaries).not.toContain(victim.port);
        const remaining = await keysOn(livePrimaries);
        const gone = seeded.filter((k) => !remaining.has(k));

        // Exact counts: every dispatched batch settled once, as applied, skipped or failed.
        const byBatch = new Map<number, typeof attempts>();
        for (const a of attempts) byBatch.set(a.batch, [...(byBatch.get(a.batch) ?? []), a]);
        const dispatched = [...byBatch.values()].reduce((s, list) => s + list[0]!.keys, 0);
        expect(done.processed).toBe(done.applied + done.skipped);
        expect(done.applied + done.skipped + done.failed).toBe(dispatched);
        expect(done.planned).toBe(KEYS);
        if (done.status === "succeeded") {
          expect(done.processed + done.failed).toBe(KEYS);
          expect(dispatched).toBe(KEYS);
        }
        // Attempts are numbered 1..n per batch, with no gaps, and at most 5.
        for (const list of byBatch.values()) {
          expect(list.map((a) => a.attempt)).toEqual(list.map((_, i) => i + 1));
          expect(list.length).toBeLessThanOrEqual(5);
          // Only the last attempt of a batch may be ok.
          expect(list.slice(0, -1).every((a) => a.outcome === "error")).toBe(true);
        }

        // Every key of a batch reported fully processed (last attempt ok, no per-key error) is gone
        // from the cluster after the failover.
        const keyOf = (b: Uint8Array) => Buffer.from(b).toString();
        const remainingKeys = new Set(remaining);
        const processedKeys: string[] = [];
        const undispatched: string[] = [];
        for (let index = 0; index * BATCH < KEYS; index++) {
          const items = app.store.plans
            .items(plan.planId, index * BATCH, BATCH)
            .map((i) => keyOf(i.key));
          const list = byBatch.get(index);
          if (!list) undispatched.push(...items);
          else if (list.at(-1)!.outcome === "ok" && !list.at(-1)!.message)
            processedKeys.push(...items);
        }
        const notGone = processedKeys.filter((k) => remainingKeys.has(k));
        expect(
          notGone,
          `keys reported processed but still on the cluster (replica behind by ${lag} at the kill)`,
        ).toEqual([]);
        // Keys never dispatched (after an abort) are untouched.
        expect(undispatched.filter((k) => !remainingKeys.has(k))).toEqual([]);
        // Nothing deleted twice or reported wrongly: every applied delete removed a key that was
        // there (a key can be removed once), and every key gone was removed by this execution.
        expect(done.applied).toBeLessThanOrEqual(gone.length);
        expect(gone.length).toBeLessThanOrEqual(done.applied + done.skipped + done.failed);
        if (done.failed === 0 && done.skipped === 0) expect(gone.length).toBe(done.applied);
        // What is left is what failed (not deleted, or ambiguous) plus what was never sent.
        expect(remaining.size).toBeGreaterThanOrEqual(undispatched.length);
        expect(remaining.size).toBeLessThanOrEqual(done.failed + undispatched.length);
        if (done.status === "succeeded" && done.failed === 0) {
          expect(gone.length).toBe(KEYS);
          expect(remaining.size).toBe(0);
        }
        // The replica took over within the retry window: the run completes, nothing failed, every
        // planned key is deleted, each counted once. Skipped keys can only be keys whose reply was
        // lost with the victim's connection and whose resend found them gone (the victim had
        // deleted them and replicated that): at most the batches in flight at the kill.
        if (failoverMs < retryWindowMs(stepMs)) {
          expect(done.status).toBe("succeeded");
          expect(done.failed).toBe(0);
          expect(done.processed).toBe(KEYS);
          expect(done.applied + done.skipped).toBe(KEYS);
          expect(done.skipped).toBeLessThanOrEqual(4 * BATCH);
          expect(remaining.size).toBe(0);
          expect(gone.length).toBe(KEYS);
        }
        // A failover longer than one step: batches waited for it through the workflow's retry
        // (and never as a failure). Shorter: within the step, no retry of the workflow needed.
        const retried = [...byBatch.values()].filter((l) => l.length > 1).length;
        if (failoverMs > stepMs + 500) expect(retried).toBeGreaterThan(0);
        if (failoverMs < stepMs - 2000) expect(retried).toBe(0);

        const perKey = [...byBatch.values()].filter((l) => l.at(-1)!.message).length;
        const classes = [
          ...new Set(
            attempts.filter((a) => a.outcome === "error").map((a) => a.errorClass ?? a.errorCode),
          ),
        ];
        console.log(
          `cluster failover (step ${stepMs} ms): killed primary :${victim.port} at ${atKill.processed + atKill.failed}/${KEYS} (${killedAt - t0} ms in, replica ${lag} behind); ` +
            `replica promoted ${failoverMs} ms after the kill; ${done.status} ${endedAfterKill} ms after the kill; applied ${done.applied}, skipped ${done.skipped}, failed ${done.failed}, ` +
            `dispatched ${dispatched}; ${gone.length} keys gone, ${remaining.size} left; ${retried} batches retried (${classes.join(", ") || "no batch errors"}), ${perKey} batches with per-key errors` +
            (done.abortReason ? `; reason: ${done.abortReason}` : ""),
        );
      } finally {
        await app?.close();
        app = undefined;
      }
    }, 240_000);
  },
);
