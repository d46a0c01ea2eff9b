import { describe, expect, it } from "vitest";
import type { EngineStats } from "../operations/operation.ts";
import { BurstThrottle, slowlogDedupeKey } from "./engine-events.ts";
import { counterDeltas, readEngine } from "./engine-reading.ts";
import { assessHealth } from "./health.ts";
import { mergeRollups, pollValues, RollupBuilder } from "./rollup.ts";

const redis = (fields: Record<string, string>): EngineStats => ({
  engine: "redis",
  version: "7.0.15",
  keys: 3,
  fields: {
    run_id: "a",
    uptime_in_seconds: "100",
    connected_clients: "2",
    maxclients: "10000",
    used_memory: "900",
    maxmemory: "1000",
    evicted_keys: "10",
    expired_keys: "5",
    keyspace_hits: "50",
    keyspace_misses: "50",
    rejected_connections: "0",
    instantaneous_ops_per_sec: "7",
    role: "master",
    errorstat_ERR: "count=4",
    errorstat_WRONGTYPE: "count=1",
    ...fields,
  },
});

describe("engine readings and counter deltas", () => {
  it("reads Redis INFO: gauges, counters, errorstats, identity", () => {
    const r = readEngine(redis({}));
    expect(r).toMatchObject({
      runId: "a",
      uptimeS: 100,
      clients: 2,
      usedMemory: 900,
      maxMemory: 1000,
      keys: 3,
      opsPerSec: 7,
      role: "master",
      counters: { evicted: 10, hits: 50, misses: 50, errors: 5 },
      errorstats: { ERR: 4, WRONGTYPE: 1 },
    });
  });

  it("the first reading is the baseline; later ones give per-poll deltas", () => {
    const a = readEngine(redis({}));
    expect(counterDeltas(undefined, a)).toBeUndefined();
    const b = readEngine(
      redis({ evicted_keys: "13", errorstat_ERR: "count=6", uptime_in_seconds: "101" }),
    );
    expect(counterDeltas(a, b)).toMatchObject({
      restarted: false,
      counters: { evicted: 3, hits: 0, errors: 2 },
      errorstats: { ERR: 2 },
    });
  });

  it("a restart (new run id, or uptime going back) resets counters: the delta is what the new process counted", () => {
    const a = readEngine(redis({}));
    const restarted = readEngine(
      redis({
        run_id: "b",
        uptime_in_seconds: "1",
        evicted_keys: "2",
        errorstat_ERR: "count=1",
        errorstat_WRONGTYPE: "",
      }),
    );
    const d = counterDeltas(a, restarted)!;
    expect(d.restarted).toBe(true);
    expect(d.counters.evicted).toBe(2);
    expect(d.errorstats).toEqual({ ERR: 1 });
    for (const v of Object.values(d.counters)) expect(v).toBeGreaterThanOrEqual(0);
    // Without run ids: uptime going back is a restart too.
    const x = readEngine({ engine: "memcached", fields: { uptime: "500", evictions: "9" } });
    const y = readEngine({ engine: "memcached", fields: { uptime: "3", evictions: "1" } });
    expect(counterDeltas(x, y)).toMatchObject({ restarted: true, counters: { evicted: 1 } });
    // CONFIG RESETSTAT: one counter goes back without a restart.
    const z = readEngine(redis({ keyspace_hits: "1", uptime_in_seconds: "102" }));
    expect(counterDeltas(a, z)?.counters.hits).toBe(1);
  });

  it("memcached: the identity is pid + start time (time - uptime), per server in a pool", () => {
    const one = readEngine({
      engine: "memcached",
      fields: {
        pid: "42",
        time: "1000",
        uptime: "100",
        curr_connections: "5",
        max_connections: "1024",
      },
    });
    expect(one.runId).toBe("42@900");
    const later = readEngine({
      engine: "memcached",
      fields: { pid: "42", time: "1010", uptime: "110" },
    });
    expect(later.runId).toBe("42@900");
    const pool = readEngine({
      engine: "memcached",
      fields: {
        servers: "2",
        "h:1/pid": "1",
        "h:1/time": "10",
        "h:1/uptime": "5",
        "h:2/pid": "2",
        "h:2/time": "10",
        "h:2/uptime": "7",
      },
    });
    expect(pool.runId).toBe("h:1#1@5,h:2#2@3");
  });
});

describe("health", () => {
  it("down with the error; degraded with every reason; ok otherwise", () => {
    expect(assessHealth({ ping: { ok: false, error: "connection refused" } })).toEqual({
      health: "down",
      reasons: ["connection refused"],
    });
    const r = readEngine(redis({ used_memory: "990", role: "slave", master_link_status: "down" }));
    const h = assessHealth({ ping: { ok: true, ms: 300 }, reading: r });
    expect(h.health).toBe("degraded");
    expect(h.reasons).toEqual([
      "PING took 300 ms (over 250 ms)",
      "the replication link to the primary is down",
      "memory at 99% of maxmemory",
    ]);
    expect(assessHealth({ ping: { ok: true, ms: 1 }, reading: readEngine(redis({})) }).health).toBe(
      "ok",
    );
  });
});

describe("rollups", () => {
  it("a minute's polls become one row; minutes merge into an hour", () => {
    const a = readEngine(redis({}));
    const b = readEngine(redis({ evicted_keys: "14" }));
    const builder = new RollupBuilder("p1", "prod");
    builder.addPoll({ ts: 1, health: "ok", reasons: [], pingMs: 1, reading: a });
    builder.addPoll({ ts: 2, health: "down", reasons: ["x"] });
    builder.addPoll({
      ts: 3,
      health: "ok",
      reasons: [],
      pingMs: 3,
      reading: b,
      deltas: counterDeltas(a, b)!,
      app: { ops: 4, errors: 1, p50Ms: 1, p95Ms: 2, p99Ms: 3, maxMs: 3 },
    });
    const m1 = builder.finish(60_000, undefined);
    expect(m1).toMatchObject({
      polls: 3,
      upPolls: 2,
      health: 2,
      pingAvgMs: 2,
      pingMaxMs: 3,
      evicted: 4,
    });
    const m2 = { ...m1, bucket: 120_000, evicted: 1, pingAvgMs: 4, health: 0 };
    expect(mergeRollups([m1, m2], 0)).toMatchObject({
      polls: 6,
      evicted: 5,
      health: 2,
      pingAvgMs: 3,
    });
    expect(pollValues({ ts: 3, health: "down", reasons: [] })).toEqual({ up: 0, health: 2 });
  });
});

describe("engine event helpers", () => {
  it("a burst goes out once, the rest of the window as one follow-up", () => {
    const t = new BurstThrottle(60_000);
    expect(t.offer("k", 5, 0)).toBe(5);
    expect(t.offer("k", 3, 1000)).toBe(0);
    expect(t.offer("k", 2, 2000)).toBe(0);
    expect(t.due(30_000)).toEqual([]);
    expect(t.due(60_000)).toEqual([{ key: "k", n: 5 }]);
    expect(t.due(200_000)).toEqual([]);
    expect(t.offer("k", 1, 200_001)).toBe(1);
  });

  it("slowlog dedupe keys carry the run id, so ids that restart with the server stay apart", () => {
    const e = { id: 0, ts: 1000, durationMicros: 5, command: ["GET", "k"], node: "h:1" };
    expect(slowlogDedupeKey("p", "run-a", e)).not.toBe(slowlogDedupeKey("p", "run-b", e));
    expect(slowlogDedupeKey("p", "run-a", e)).toBe(slowlogDedupeKey("p", "run-a", { ...e }));
  });
});
