import { buildProfile, type Operation, type ResultOf } from "@cachify/core";
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { startRedis } from "../../../../test/harness/index.ts";
import { makeTestGate } from "../../../../test/support/gate.ts";
import { runStep } from "../../../../test/support/gate-step.ts";
import { bytes, gateFor, MODES, text } from "../../../../test/support/redis-gate.ts";
import { createRedisProvider } from "../provider.ts";
import { RespWriter } from "./raw-pipeline.ts";

/** Runs a batch step as the workflow executor does: inside an approved execution. */
function stepRunner(
  t: ReturnType<typeof gateFor>["t"],
  profile: ReturnType<typeof gateFor>["profile"],
) {
  return <O extends Operation>(op: O): Promise<ResultOf<O>> => runStep(t.gate, profile, op);
}

describe.each(MODES)("Redis warm-up batches, pipelined as raw RESP (%s)", (mode) => {
  const { t, profile, run } = gateFor(mode, "setbatch");
  const step = stepRunner(t, profile);
  const key = (name: string) => bytes(`setbatch-${mode}-${process.pid}:${name}`);
  const keys = (name: string, n: number) =>
    Array.from({ length: n }, (_, i) => key(`${name}:${i}`));

  it("always: writes every key with its value and TTL (mixed with keys without one)", async () => {
    const ks = keys("always", 1500);
    await run({ kind: "delete", keys: ks });
    const items = ks.map((k, i) => ({
      key: k,
      value: bytes(i % 7 === 0 ? "" : `value-${i}-${"x".repeat(i % 50)}`),
      ...(i % 3 === 0 ? {} : { ttlSeconds: 100 + (i % 5) }),
    }));
    const out = await step({ kind: "setBatch", condition: "always", items });
    expect(out).toEqual({ applied: 1500, skipped: 0, failed: 0 });
    const got = await run({ kind: "describe", keys: [ks[0]!, ks[1]!, ks[2]!, ks[14]!] });
    expect(got.map((g) => g.type)).toEqual(["string", "string", "string", "string"]);
    expect(got[0]!.ttlMs).toBe(-1); // i % 3 === 0: no TTL
    expect(got[1]!.ttlMs).toBeGreaterThan(90_000);
    expect(got[1]!.ttlMs).toBeLessThanOrEqual(101_000);
    for (const i of [0, 1, 2, 14, 1499]) {
      const v = await run({ kind: "get", key: ks[i]! });
      expect(text(v.value)).toBe(text(items[i]!.value));
    }
  });

  it("always: a key without a TTL loses the TTL it had, as SET does", async () => {
    const [a, b] = keys("persist", 2) as [Uint8Array, Uint8Array];
    await run({ kind: "set", key: a, value: bytes("old"), ttlSeconds: 500 });
    await run({ kind: "set", key: b, value: bytes("old"), ttlSeconds: 500 });
    const out = await step({
      kind: "setBatch",
      condition: "always",
      items: [
        { key: a, value: bytes("new-a") },
        { key: b, value: bytes("new-b") },
      ],
    });
    expect(out.applied).toBe(2);
    const got = await run({ kind: "describe", keys: [a, b] });
    expect(got.map((g) => g.ttlMs)).toEqual([-1, -1]);
    expect(text((await run({ kind: "get", key: b })).value)).toBe("new-b");
  });

  it("if-absent skips existing keys, if-present skips missing ones (NX / XX)", async () => {
    const ks = keys("cond", 400);
    await run({ kind: "delete", keys: ks });
    for (let i = 0; i < 400; i += 4) await run({ kind: "set", key: ks[i]!, value: bytes("was") });
    const items = ks.map((k) => ({ key: k, value: bytes("now"), ttlSeconds: 60 }));
    expect(await step({ kind: "setBatch", condition: "if-absent", items })).toEqual({
      applied: 300,
      skipped: 100,
      failed: 0,
    });
    expect(text((await run({ kind: "get", key: ks[0]! })).value)).toBe("was");
    expect(text((await run({ kind: "get", key: ks[1]! })).value)).toBe("now");
    await run({ kind: "delete", keys: ks.filter((_, i) => i % 2 === 1) });
    const present = ks.map((k) => ({ key: k, value: bytes("again") }));
    expect(await step({ kind: "setBatch", condition: "if-present", items: present })).toEqual({
      applied: 200,
      skipped: 200,
      failed: 0,
    });
    expect(text((await run({ kind: "get", key: ks[2]! })).value)).toBe("again");
    expect((await run({ kind: "get", key: ks[3]! })).value).toBeUndefined();
  });

  it("keeps replies in order with other commands on the same connection", async () => {
    const ks = keys("interleave", 3000);
    await run({ kind: "delete", keys: ks });
    const probe = key("interleave-probe");
    await run({ kind: "set", key: probe, value: bytes("probe") });
    const batches = [0, 1, 2].map((b) =>
      step({
        kind: "setBatch",
        condition: "always",
        items: ks.slice(b * 1000, b * 1000 + 1000).map((k) => ({ key: k, value: k })),
      }),
    );
    const reads = Array.from({ length: 30 }, () => run({ kind: "get", key: probe }));
    const [outs, values] = await Promise.all([Promise.all(batches), Promise.all(reads)]);
    expect(outs.reduce((a, o) => a + o.applied, 0)).toBe(3000);
    expect(values.every((v) => text(v.value) === "probe")).toBe(true);
    expect(text((await run({ kind: "get", key: ks[2999]! })).value)).toBe(text(ks[2999]));
  });
});

describe("Redis warm-up batches: failures", () => {
  const servers = inject("servers");

  it("a key the server refuses fails alone (NOPERM for a key outside the user's ACL)", async () => {
    const admin = new Redis(servers.redis.url);
    const user = `setbatch${process.pid}`;
    const prefix = `acl-${process.pid}:`;
    await admin.call("ACL", "SETUSER", user, "on", ">pw", `~${prefix}*`, "+@all");
    const t = makeTestGate(createRedisProvider);
    const url = new URL(servers.redis.url);
    url.username = user;
    url.password = "pw";
    const profile = buildProfile({ name: "setbatch-acl", url: url.toString(), timeoutMs: 5000 });
    try {
      const step = stepRunner(t, profile);
      const items = [0, 1, 2, 3, 4, 5].map((i) => ({
        key: bytes(i % 2 === 0 ? `${prefix}${i}` : `other-${process.pid}:${i}`),
        value: bytes("v"),
        ttlSeconds: 30,
      }));
      const out = await step({ kind: "setBatch", condition: "always", items });
      expect(out).toMatchObject({ applied: 3, skipped: 0, failed: 3 });
      expect(out.errors).toHaveLength(3);
      expect(out.errors![0]).toMatch(/other-\d+:1: NOPERM/);
      expect(await admin.get(`${prefix}4`)).toBe("v");
    } finally {
      await t.close();
      await admin.call("ACL", "DELUSER", user);
      admin.disconnect();
    }
  });

  it("a connection lost while a batch is in flight fails the whole batch (never half counted)", async () => {
    const server = await startRedis();
    const t = makeTestGate(createRedisProvider);
    const profile = buildProfile({ name: "setbatch-lost", url: server.url, timeoutMs: 5000 });
    const admin = new Redis(server.url);
    try {
      const step = stepRunner(t, profile);
      await t.gate.run(profile, { kind: "ping" }, { origin: "cli" });
      // The server sleeps: the batch is written and waits; then the server dies.
      void admin.call("DEBUG", "SLEEP", "2").catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      const pending = step({
        kind: "setBatch",
        condition: "always",
        items: Array.from({ length: 2000 }, (_, i) => ({
          key: bytes(`lost:${i}`),
          value: bytes("v"),
        })),
      });
      // Settle-capture now: the batch may fail before the assertion below is reached.
      const outcome = pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 100));
      await server.process.kill("SIGKILL");
      expect(await outcome).toMatchObject({
        code: expect.stringMatching(/connection|timeout/),
      });
    } finally {
      admin.disconnect();
      await t.close();
      await server.stop();
    }
  });
});

describe("RespWriter", () => {
  it("writes RESP arrays of bulk strings, growing as needed", () => {
    const w = new RespWriter(1);
    w.array(3).text("SET").bulk(bytes("k")).bulk(new Uint8Array(100).fill(0x41));
    w.array(2).text("GET").bulk(new Uint8Array(0));
    w.array(1).text(String(1234567890));
    expect(w.finish().toString("latin1")).toBe(
      `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n${"A".repeat(100)}\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n*1\r\n$10\r\n1234567890\r\n`,
    );
  });
});
