import { buildProfile, CachifyError, type Operation, type ResultOf } from "@cachify/core";
import slotOf from "cluster-key-slot";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisCluster, startCluster, waitFor } from "../../../../test/harness/index.ts";
import { makeTestGate } from "../../../../test/support/gate.ts";
import { runStep } from "../../../../test/support/gate-step.ts";
import { createRedisProvider } from "../provider.ts";

/**
 * Redirects against a real cluster of our own (slots are moved under the client's feet, which
 * the shared cluster's other users must not see). The provider's slot map is loaded first and
 * then made stale by resharding done outside the product, so the batch meets MOVED, ASK and
 * CLUSTERDOWN for real; the servers' errorstats prove each reply was seen.
 */

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

interface Primary {
  id: string;
  port: number;
  ranges: [number, number][];
}

describe("cluster batches follow MOVED, ASK and CLUSTERDOWN", () => {
  let cluster: RedisCluster;
  const admins = new Map<number, Redis>();
  const t = makeTestGate(createRedisProvider);
  let profile: ReturnType<typeof buildProfile>;

  const admin = (port: number) => {
    let r = admins.get(port);
    if (!r) {
      r = new Redis({ port, maxRetriesPerRequest: 1 });
      r.on("error", () => {});
      admins.set(port, r);
    }
    return r;
  };

  async function primaries(): Promise<Primary[]> {
    const text = String(await admin(cluster.nodes[0]!.port).call("CLUSTER", "NODES"));
    return text
      .split("\n")
      .filter((l) => l.includes("master") && !l.includes("fail"))
      .map((l) => {
        const f = l.split(" ");
        const ranges = f.slice(8).flatMap((r): [number, number][] => {
          if (r.startsWith("[")) return [];
          const [a, b] = r.split("-").map(Number);
          return [[a!, b ?? a!]];
        });
        return { id: f[0]!, port: Number(/:(\d+)@/.exec(f[1]!)![1]), ranges };
      })
      .filter((p) => p.ranges.length > 0) // right after creation, replicas may show as empty primaries
      .sort((x, y) => x.port - y.port);
  }

  const ownerOf = (ps: Primary[], slot: number) =>
    ps.find((p) => p.ranges.some(([a, b]) => slot >= a && slot <= b));

  /** A hash tag whose slot `port` owns, and whose slot differs from `avoid`. */
  function tagOn(ps: Primary[], port: number, name: string, avoid: number[] = []): string {
    for (let i = 0; i < 100_000; i++) {
      const tag = `${name}${i}`;
      const slot = slotOf(tag);
      if (ownerOf(ps, slot)?.port === port && !avoid.includes(slot)) return tag;
    }
    throw new Error(`no hash tag found for a slot of :${port}`);
  }

  async function errorstat(port: number, prefix: string): Promise<number> {
    const info = String(await admin(port).call("INFO", "errorstats"));
    return Number(new RegExp(`errorstat_${prefix}:count=(\\d+)`).exec(info)?.[1] ?? 0);
  }

  /** A batch step run as the executor runs it: inside an approved execution, its step timeout. */
  function step<O extends Operation>(op: O, timeoutMs = 5000): Promise<ResultOf<O>> {
    return runStep(t.gate, profile, op, { timeoutMs, retry: profile.retry });
  }

  /** Moves `keys` of `slot` from one primary to another (MIGRATE), outside the product. */
  async function migrateKeys(from: Primary, to: Primary, keys: string[]) {
    if (keys.length === 0) return;
    await admin(from.port).call(
      "MIGRATE",
      "127.0.0.1",
      String(to.port),
      "",
      "0",
      "5000",
      "KEYS",
      ...keys,
    );
  }

  async function startMigration(slot: number, from: Primary, to: Primary) {
    await admin(to.port).call("CLUSTER", "SETSLOT", String(slot), "IMPORTING", from.id);
    await admin(from.port).call("CLUSTER", "SETSLOT", String(slot), "MIGRATING", to.id);
  }

  /** Ends a migration: every primary learns the new owner. */
  async function finishMigration(slot: number, to: Primary, ps: Primary[]) {
    for (const p of [to, ...ps.filter((x) => x.id !== to.id)]) {
      await admin(p.port).call("CLUSTER", "SETSLOT", String(slot), "NODE", to.id);
    }
  }

  const seed = async (keys: string[], value = "v") => {
    const out = await step({
      kind: "setBatch",
      condition: "always",
      items: keys.map((k) => ({ key: bytes(k), value: bytes(`${value}-${k}`) })),
    });
    expect(out).toEqual({ applied: keys.length, skipped: 0, failed: 0 });
  };

  beforeAll(async () => {
    cluster = await startCluster();
    await waitFor(
      async () => (await primaries()).length === 3,
      "3 primaries holding slots",
      30_000,
      100,
    );
    profile = buildProfile({ name: "route", url: cluster.url, timeoutMs: 5000 });
    // Load the provider's slot map before any slot moves.
    await t.gate.run(profile, { kind: "ping" }, { origin: "cli" });
  }, 120_000);

  afterAll(async () => {
    await t.close();
    for (const r of admins.values()) r.disconnect();
    await cluster?.stop();
  }, 60_000);

  it("MOVED: a slot resharded after the slot map was read is deleted on its new owner, none failed", async () => {
    const ps = await primaries();
    const [a, b] = ps as [Primary, Primary];
    const tag = tagOn(ps, a.port, "mv");
    const slot = slotOf(tag);
    const moved = Array.from({ length: 150 }, (_, i) => `{${tag}}:${i}`);
    const spread = Array.from({ length: 150 }, (_, i) => `mv-spread:${i}`);
    await seed([...moved, ...spread]);
    // Reshard the whole slot from a to b; the provider still routes it to a.
    await startMigration(slot, a, b);
    await migrateKeys(a, b, moved);
    await finishMigration(slot, b, ps);
    const movedBefore = await errorstat(a.port, "MOVED");

    const keys = [...moved, ...spread].map(bytes);
    const out = await step({ kind: "deleteBatch", keys });
    expect(out).toEqual({ applied: 300, skipped: 0, failed: 0 });
    expect(await errorstat(a.port, "MOVED")).toBeGreaterThan(movedBefore);
    expect(await admin(b.port).call("CLUSTER", "COUNTKEYSINSLOT", String(slot))).toBe(0);
    for (const p of ps) expect(await admin(p.port).dbsize()).toBe(0);

    // The slot map was refreshed: the next batch on that slot goes straight to b.
    await waitFor(
      async () => {
        const before = await errorstat(a.port, "MOVED");
        await seed(moved, "again");
        return (await errorstat(a.port, "MOVED")) === before;
      },
      "the provider to route the moved slot to its new owner",
      5000,
      100,
    );
    expect(Number(await admin(b.port).call("CLUSTER", "COUNTKEYSINSLOT", String(slot)))).toBe(150);
    await step({ kind: "deleteBatch", keys: moved.map(bytes) });
  });

  it("ASK: during a migration, keys already moved are written and expired on the importing node", async () => {
    const ps = await primaries();
    const a = ps[1]!;
    const b = ps[2]!;
    const tag = tagOn(ps, a.port, "ask");
    const slot = slotOf(tag);
    const keys = Array.from({ length: 200 }, (_, i) => `{${tag}}:${i}`);
    await seed(keys.slice(0, 150)); // 150 exist, 50 do not yet
    await startMigration(slot, a, b);
    await migrateKeys(a, b, keys.slice(0, 75)); // half of those that exist are on b now
    const askBefore = await errorstat(a.port, "ASK");

    // SET: keys on a are written there; keys moved (and keys that exist nowhere) are sent ASK.
    const set = await step({
      kind: "setBatch",
      condition: "always",
      items: keys.map((k) => ({ key: bytes(k), value: bytes(`new-${k}`), ttlSeconds: 600 })),
    });
    expect(set).toEqual({ applied: 200, skipped: 0, failed: 0 });
    expect(await errorstat(a.port, "ASK")).toBeGreaterThan(askBefore);

    // EXPIRE follows the same redirects.
    const expire = await step({
      kind: "expireBatch",
      keys: keys.map(bytes),
      ttlSeconds: keys.map(() => 900),
      condition: "always",
    });
    expect(expire).toEqual({ applied: 200, skipped: 0, failed: 0 });

    // Finish the migration and read every key on b: the new value and the new TTL.
    const rest = (await admin(a.port).call(
      "CLUSTER",
      "GETKEYSINSLOT",
      String(slot),
      "1000",
    )) as string[];
    await migrateKeys(a, b, rest);
    await finishMigration(slot, b, ps);
    const reader = admin(b.port);
    for (const k of keys) {
      expect(await reader.get(k)).toBe(`new-${k}`);
      const ttl = await reader.ttl(k);
      expect(ttl).toBeGreaterThan(600);
      expect(ttl).toBeLessThanOrEqual(900);
    }
    const del = await step({ kind: "deleteBatch", keys: keys.map(bytes) });
    expect(del).toEqual({ applied: 200, skipped: 0, failed: 0 });
  });

  it("CLUSTERDOWN: a slot no node serves for a moment is waited for, then applied", async () => {
    const ps = await primaries();
    const a = ps[0]!;
    const tag = tagOn(ps, a.port, "down");
    const slot = slotOf(tag);
    const keys = Array.from({ length: 100 }, (_, i) => `{${tag}}:${i}`);
    const spread = Array.from({ length: 100 }, (_, i) => `down-spread:${i}`);
    await seed([...keys, ...spread]);
    const downBefore = await errorstat(a.port, "CLUSTERDOWN");
    // a stops serving the slot: its keys (and a's others, while it reports the cluster down)
    // answer CLUSTERDOWN until the slot is assigned again 400 ms later.
    await admin(a.port).call("CLUSTER", "DELSLOTS", String(slot));
    const back = new Promise<void>((resolve, reject) =>
      setTimeout(() => {
        admin(a.port)
          .call("CLUSTER", "ADDSLOTS", String(slot))
          .then(() => resolve(), reject);
      }, 400),
    );
    const out = await step({
      kind: "expireBatch",
      keys: [...keys, ...spread].map(bytes),
      ttlSeconds: [...keys, ...spread].map(() => 300),
      condition: "always",
    });
    await back;
    expect(out).toEqual({ applied: 200, skipped: 0, failed: 0 });
    expect(await errorstat(a.port, "CLUSTERDOWN")).toBeGreaterThan(downBefore);
    const ttl = await admin(a.port).ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(250);
    await step({ kind: "deleteBatch", keys: [...keys, ...spread].map(bytes) });
  });

  it("keys without an answer by the step timeout: a retryable error with the rest's outcome; the retry sends only those", async () => {
    const ps = await primaries();
    const a = ps[2]!;
    const tag = tagOn(ps, a.port, "late");
    const slot = slotOf(tag);
    const late = Array.from({ length: 60 }, (_, i) => `{${tag}}:${i}`);
    const others = Array.from({ length: 140 }, (_, i) => `late-spread:${i}`);
    const onOtherSlots = others.filter((k) => slotOf(k) !== slot);
    await seed([...late, ...others]);
    await admin(a.port).call("CLUSTER", "DELSLOTS", String(slot));
    // a's other keys answer CLUSTERDOWN too while a thinks the cluster is down; the other
    // primaries' keys are deleted.
    const onA = onOtherSlots.filter((k) => ownerOf(ps, slotOf(k))?.port === a.port);
    const elsewhere = onOtherSlots.length - onA.length;
    const op: Operation = { kind: "deleteBatch", keys: [...late, ...others].map(bytes) };
    let error: unknown;
    try {
      await step(op, 800);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CachifyError);
    const err = error as CachifyError;
    expect(err.retryable).toBe(true);
    expect(err.errorClass).toBe("CLUSTERDOWN");
    const partial = err.details?.partial as { applied: number; skipped: number; failed: number };
    expect(partial.failed).toBe(0);
    expect(partial.skipped).toBe(0);
    expect(partial.applied).toBeGreaterThanOrEqual(elsewhere);
    expect(partial.applied).toBeLessThan(200);
    expect(err.message).toMatch(/keys had no final answer within the step timeout/);

    await admin(a.port).call("CLUSTER", "ADDSLOTS", String(slot));
    // The same operation again (the workflow's retry of the batch): only the unanswered keys are
    // sent, and the outcome covers the whole batch, each key once.
    const unlinkBefore = Number(
      /cmdstat_unlink:calls=(\d+)/.exec(
        String(await admin(a.port).call("INFO", "commandstats")),
      )?.[1] ?? 0,
    );
    const out = (await step(op)) as ResultOf<Extract<Operation, { kind: "deleteBatch" }>>;
    expect(out).toEqual({ applied: 200, skipped: 0, failed: 0 });
    const unlinkAfter = Number(
      /cmdstat_unlink:calls=(\d+)/.exec(
        String(await admin(a.port).call("INFO", "commandstats")),
      )?.[1] ?? 0,
    );
    // Keys already deleted on the other primaries were not sent again; a got the rest.
    expect(unlinkAfter - unlinkBefore).toBe(200 - partial.applied);
    for (const p of ps) expect(await admin(p.port).dbsize()).toBe(0);
    // Once complete, running the same operation again starts afresh (nothing left to delete).
    expect(await step(op)).toEqual({ applied: 0, skipped: 200, failed: 0 });
  });
});
