import type { ConnectionProfile, Operation, ResultOf } from "@cachify/core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runStep } from "../../../../test/support/gate-step.ts";
import { GateFixture, k } from "../../../../test/support/memcached-gate.ts";
import { decodeDumpKey, decodeDumpKeyInto, dumpKeyEnd } from "./metadump-line.ts";

const shared = inject("servers").memcached;
const prefix = `mcbatch:${process.pid}:${Date.now()}:`;
const fx = new GateFixture();
const profile = fx.profile(shared.url);
const address = `${shared.host}:${shared.port}`;
afterAll(() => fx.close());

/** A batch step as the workflow executor runs it: inside an approved execution. */
const step = <O extends Operation>(p: ConnectionProfile, op: O): Promise<ResultOf<O>> =>
  runStep(fx.gate, p, op);

const keys = (name: string, count: number) =>
  Array.from({ length: count }, (_, i) => k(`${prefix}${name}:${i}`));
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe("memcached batches in quiet runs", () => {
  it("set: every key written; if-absent and if-present count what was left alone", async () => {
    const ks = keys("set", 2500);
    const items = ks.map((key, i) => ({
      key,
      value: k(`v${i}`),
      ttlSeconds: i % 2 ? 600 : undefined,
    }));
    expect(await step(profile, { kind: "setBatch", condition: "always", items })).toEqual({
      applied: 2500,
      skipped: 0,
      failed: 0,
    });
    const got = await fx.run(profile, { kind: "get", key: ks[1]! });
    expect(text(got.value)).toBe("v1");
    expect(got.ttlMs).toBeGreaterThan(500_000);
    expect((await fx.run(profile, { kind: "get", key: ks[0]! })).ttlMs).toBe(-1);

    const more = [...ks.slice(0, 10), ...keys("set-new", 5)].map((key) => ({
      key,
      value: k("again"),
    }));
    expect(await step(profile, { kind: "setBatch", condition: "if-absent", items: more })).toEqual({
      applied: 5,
      skipped: 10,
      failed: 0,
    });
    expect(text((await fx.run(profile, { kind: "get", key: ks[3]! })).value)).toBe("v3");
    const absent = keys("set-absent", 4).map((key) => ({ key, value: k("x") }));
    expect(
      await step(profile, {
        kind: "setBatch",
        condition: "if-present",
        items: [...absent, { key: ks[7]!, value: k("replaced") }],
      }),
    ).toEqual({ applied: 1, skipped: 4, failed: 0 });
    expect(text((await fx.run(profile, { kind: "get", key: ks[7]! })).value)).toBe("replaced");
  });

  it("set: a value the server cannot store fails that key alone", async () => {
    const [a, b] = keys("set-big", 2) as [Uint8Array, Uint8Array];
    const out = await step(profile, {
      kind: "setBatch",
      condition: "always",
      items: [
        { key: a, value: new Uint8Array(2 * 1024 * 1024) },
        { key: b, value: k("fits") },
      ],
    });
    expect(out).toMatchObject({ applied: 1, skipped: 0, failed: 1 });
    expect(out.errors![0]).toMatch(/SERVER_ERROR object too large/);
    expect(text((await fx.run(profile, { kind: "get", key: b })).value)).toBe("fits");
  });

  it("delete: gone keys count as skipped; a bad key fails alone and never reaches the socket", async () => {
    const ks = keys("del", 3000);
    await step(profile, {
      kind: "setBatch",
      condition: "always",
      items: ks.slice(0, 2990).map((key) => ({ key, value: k("v") })),
    });
    const bad = k(`${prefix}del bad\r\nflush_all`);
    const out = await step(profile, {
      kind: "deleteBatch",
      keys: [...ks, bad],
      nodes: [...ks, bad].map(() => address),
    });
    expect(out).toMatchObject({ applied: 2990, skipped: 10, failed: 1 });
    expect(out.errors![0]).toMatch(/contains a space/);
    expect((await fx.run(profile, { kind: "get", key: ks[0]! })).value).toBeUndefined();
  });
});

describe("metadump keys decoded from bytes", () => {
  it("decodes exactly as decodeDumpKey does, bad escapes included", () => {
    const samples = [
      "user%3A1",
      "plain",
      "100%25",
      "bad%zz",
      "tail%4",
      "tail%",
      "%",
      "%41%42%4a%4A",
      "caf%C3%A9",
      "x%3a%3A",
    ];
    for (const encoded of samples) {
      const line = Buffer.from(`key=${encoded} exp=-1 la=1 cas=2 fetch=no cls=1 size=60`, "latin1");
      const end = dumpKeyEnd(line, 0, line.length);
      expect(line.toString("latin1", 4, end)).toBe(encoded);
      const out = new Uint8Array(encoded.length);
      const len = decodeDumpKeyInto(line, 4, end, out, 0);
      expect(Buffer.from(out.subarray(0, len)).toString("hex"), encoded).toBe(
        Buffer.from(decodeDumpKey(encoded)).toString("hex"),
      );
    }
  });
});
