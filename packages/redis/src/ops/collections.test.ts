import { keyFromText } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { bytes, gateFor, MODES, text } from "../../../../test/support/redis-gate.ts";

describe.each(MODES)("Redis collections (%s)", (mode) => {
  const { run, cmd } = gateFor(mode, "collections");
  const key = (name: string) => keyFromText(`coll-${mode}:${name}`);
  const pad = (i: number) => String(i).padStart(4, "0");

  it("reads a 2,500-field hash in pages until done, then sets and deletes fields", async () => {
    const k = key("hash");
    await run({ kind: "delete", keys: [k] });
    const pairs = Array.from({ length: 2500 }, (_, i) => [`f${pad(i)}`, `v${i}`]).flat();
    await cmd("HSET", k, ...pairs);
    const seen = new Map<string, string>();
    let cursor = "0";
    let pages = 0;
    for (;;) {
      const page = await run({ kind: "hashScan", key: k, cursor, count: 100 });
      expect(page.length).toBe(2500);
      for (const { field, value } of page.items) seen.set(text(field)!, text(value)!);
      pages++;
      if (page.done) break;
      cursor = page.cursor;
      expect(pages).toBeLessThan(500);
    }
    expect(seen.size).toBe(2500);
    expect(seen.get("f0042")).toBe("v42");
    expect(pages).toBeGreaterThan(5);

    const matched = await run({
      kind: "hashScan",
      key: k,
      cursor: "0",
      match: "f000*",
      count: 5000,
    });
    expect(matched.items.map((i) => text(i.field)).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `f000${i}`),
    );

    expect(
      (await run({ kind: "hashSet", key: k, field: bytes("new"), value: bytes("1") })).created,
    ).toBe(true);
    expect(
      (await run({ kind: "hashSet", key: k, field: bytes("new"), value: bytes("2") })).created,
    ).toBe(false);
    expect((await cmd("HGET", k, "new")).reply).toEqual({ type: "bulk", value: bytes("2") });
    expect(
      (
        await run({
          kind: "hashDelete",
          key: k,
          fields: [bytes("new"), bytes("f0000"), bytes("nope")],
        })
      ).removed,
    ).toBe(2);
    const after = await run({ kind: "hashScan", key: k, cursor: "0", count: 10 });
    expect(after.length).toBe(2499);
    await run({ kind: "delete", keys: [k] });
  });

  it("keeps a binary hash field and value byte for byte", async () => {
    const k = key("hash-bin");
    await run({ kind: "delete", keys: [k] });
    const field = new Uint8Array([0x00, 0xff, 0x0a, 0x80]);
    const value = new Uint8Array([0xc3, 0x28, 0x00, 0x01]);
    expect((await run({ kind: "hashSet", key: k, field, value })).created).toBe(true);
    const page = await run({ kind: "hashScan", key: k, cursor: "0" });
    expect(page.done).toBe(true);
    expect(page.items).toHaveLength(1);
    expect(Buffer.from(page.items[0]!.field)).toEqual(Buffer.from(field));
    expect(Buffer.from(page.items[0]!.value)).toEqual(Buffer.from(value));
    expect((await run({ kind: "hashDelete", key: k, fields: [field] })).removed).toBe(1);
  });

  it("reads a 1,000-element list in index pages, pushes, sets and removes by index", async () => {
    const k = key("list");
    await run({ kind: "delete", keys: [k] });
    await cmd("RPUSH", k, ...Array.from({ length: 1000 }, (_, i) => `e${i}`));
    const all: string[] = [];
    let start = 0;
    let pages = 0;
    for (;;) {
      const page = await run({ kind: "listRange", key: k, start, stop: start + 99 });
      expect(page.length).toBe(1000);
      all.push(...page.items.map((b) => text(b)!));
      pages++;
      if (page.done) break;
      start = Number(page.cursor);
    }
    expect(pages).toBe(10);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => `e${i}`));
    const tail = await run({ kind: "listRange", key: k, start: -3, stop: -1 });
    expect(tail.items.map(text)).toEqual(["e997", "e998", "e999"]);
    expect(tail.done).toBe(true);

    expect(
      (await run({ kind: "listPush", key: k, values: [bytes("h1"), bytes("h2")], end: "head" }))
        .length,
    ).toBe(1002);
    expect(
      (await run({ kind: "listPush", key: k, values: [bytes("t1")], end: "tail" })).length,
    ).toBe(1003);
    const head = await run({ kind: "listRange", key: k, start: 0, stop: 2 });
    expect(head.items.map(text)).toEqual(["h2", "h1", "e0"]);
    expect(head.cursor).toBe("3");
    expect(head.done).toBe(false);
    expect((await run({ kind: "listSet", key: k, index: 0, value: bytes("H") })).written).toBe(
      true,
    );
    await expect(
      run({ kind: "listSet", key: k, index: 5000, value: bytes("x") }),
    ).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/no element at index 5000/),
    });
    await run({ kind: "delete", keys: [k] });
  });

  it("removes a list element at an index only while it still holds the expected value", async () => {
    const k = key("list-remove");
    await run({ kind: "delete", keys: [k] });
    await cmd("RPUSH", k, "a", "b", "a", "b");
    // Index 2 holds "a": removed, and the equal "a" at index 0 stays.
    expect(
      (await run({ kind: "listRemoveAt", key: k, index: 2, expected: bytes("a") })).removed,
    ).toBe(true);
    let list = await run({ kind: "listRange", key: k, start: 0, stop: -1 });
    expect(list.items.map(text)).toEqual(["a", "b", "b"]);
    // Someone changed index 1 since it was read: the stale value is refused.
    await cmd("LSET", k, "1", "changed");
    expect(
      (await run({ kind: "listRemoveAt", key: k, index: 1, expected: bytes("b") })).removed,
    ).toBe(false);
    expect(
      (await run({ kind: "listRemoveAt", key: k, index: 99, expected: bytes("b") })).removed,
    ).toBe(false);
    list = await run({ kind: "listRange", key: k, start: 0, stop: -1 });
    expect(list.items.map(text)).toEqual(["a", "changed", "b"]);
    // Binary value, negative index.
    const binary = new Uint8Array([0, 0xff, 0x0d, 0x0a]);
    await run({ kind: "listPush", key: k, values: [binary], end: "tail" });
    expect((await run({ kind: "listRemoveAt", key: k, index: -1, expected: binary })).removed).toBe(
      true,
    );
    expect((await run({ kind: "listRange", key: k, start: 0, stop: -1 })).length).toBe(3);
    await run({ kind: "delete", keys: [k] });
  });

  it("scans a set in pages, adds and removes members (binary too)", async () => {
    const k = key("set");
    await run({ kind: "delete", keys: [k] });
    await cmd("SADD", k, ...Array.from({ length: 600 }, (_, i) => `m${i}`));
    const seen = new Set<string>();
    let cursor = "0";
    let pages = 0;
    do {
      const page = await run({ kind: "setScan", key: k, cursor, count: 50 });
      expect(page.length).toBe(600);
      for (const m of page.items) seen.add(text(m)!);
      cursor = page.cursor;
      pages++;
      if (page.done) break;
    } while (pages < 500);
    expect(seen.size).toBe(600);
    expect(pages).toBeGreaterThan(2);
    const member = new Uint8Array([0x00, 0xfe, 0x20, 0x0a]);
    expect((await run({ kind: "setAdd", key: k, members: [member, bytes("m1")] })).added).toBe(1);
    const found = await run({
      kind: "setScan",
      key: k,
      cursor: "0",
      match: "\x00*",
      count: 10_000,
    });
    expect(found.items.map((b) => Buffer.from(b))).toEqual([Buffer.from(member)]);
    expect(
      (await run({ kind: "setRemove", key: k, members: [member, bytes("m2"), bytes("zz")] }))
        .removed,
    ).toBe(2);
    expect((await run({ kind: "setScan", key: k, cursor: "0", count: 10 })).length).toBe(599);
    await run({ kind: "delete", keys: [k] });
  });

  it("reads a 1,000-member sorted set in index pages with scores, adds and removes", async () => {
    const k = key("zset");
    await run({ kind: "delete", keys: [k] });
    await cmd(
      "ZADD",
      k,
      ...Array.from({ length: 1000 }, (_, i) => [String(i / 2), `z${pad(i)}`]).flat(),
    );
    const all: { member: string; score: number }[] = [];
    let start = 0;
    let pages = 0;
    for (;;) {
      const page = await run({ kind: "zsetRange", key: k, start, stop: start + 249 });
      expect(page.length).toBe(1000);
      all.push(...page.items.map((i) => ({ member: text(i.member)!, score: i.score })));
      pages++;
      if (page.done) break;
      start = Number(page.cursor);
    }
    expect(pages).toBe(4);
    expect(all).toHaveLength(1000);
    expect(all[3]).toEqual({ member: "z0003", score: 1.5 });
    expect(all.at(-1)).toEqual({ member: "z0999", score: 499.5 });

    const member = new Uint8Array([0xff, 0x00, 0x7f]);
    expect((await run({ kind: "zsetAdd", key: k, member, score: -2.25 })).created).toBe(true);
    expect((await run({ kind: "zsetAdd", key: k, member, score: -3.5 })).created).toBe(false);
    expect(
      (await run({ kind: "zsetAdd", key: k, member: bytes("top"), score: Infinity })).created,
    ).toBe(true);
    const ends = await run({ kind: "zsetRange", key: k, start: 0, stop: 0 });
    expect(Buffer.from(ends.items[0]!.member)).toEqual(Buffer.from(member));
    expect(ends.items[0]!.score).toBe(-3.5);
    const last = await run({ kind: "zsetRange", key: k, start: -1, stop: -1 });
    expect(last.items[0]).toMatchObject({ score: Infinity });
    expect(last.done).toBe(true);
    expect(
      (await run({ kind: "zsetRemove", key: k, members: [member, bytes("top"), bytes("nope")] }))
        .removed,
    ).toBe(2);
    expect((await run({ kind: "zsetRange", key: k, start: 0, stop: 0 })).length).toBe(1000);
    await run({ kind: "delete", keys: [k] });
  });

  it("reads a 300-entry stream in pages after the last id, adds and deletes entries", async () => {
    const k = key("stream");
    await run({ kind: "delete", keys: [k] });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const { id } = await run({
        kind: "streamAdd",
        key: k,
        id: "*",
        fields: [[bytes("n"), bytes(String(i))]],
      });
      ids.push(id);
    }
    const read: { id: string; n: string }[] = [];
    let start = "-";
    let pages = 0;
    for (;;) {
      const page = await run({ kind: "streamRange", key: k, start, end: "+", count: 70 });
      expect(page.length).toBe(300);
      read.push(...page.items.map((e) => ({ id: e.id, n: text(e.fields[0]![1])! })));
      pages++;
      if (page.done) break;
      start = page.cursor;
      expect(start).toBe(`(${page.items.at(-1)!.id}`);
    }
    expect(pages).toBe(5);
    expect(read.map((r) => r.id)).toEqual(ids);
    expect(read.map((r) => r.n)).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));

    const field = new Uint8Array([0x00, 0xff]);
    const value = new Uint8Array([0x0a, 0x0d, 0x00]);
    const { id } = await run({ kind: "streamAdd", key: k, id: "*", fields: [[field, value]] });
    const tail = await run({ kind: "streamRange", key: k, start: id, end: "+", count: 10 });
    expect(tail.items).toHaveLength(1);
    expect(Buffer.from(tail.items[0]!.fields[0]![0])).toEqual(Buffer.from(field));
    expect(Buffer.from(tail.items[0]!.fields[0]![1])).toEqual(Buffer.from(value));
    expect((await run({ kind: "streamDelete", key: k, ids: [id, ids[0]!, "1-1"] })).removed).toBe(
      2,
    );
    expect(
      (await run({ kind: "streamRange", key: k, start: "-", end: "+", count: 1 })).length,
    ).toBe(299);
    await expect(
      run({ kind: "streamAdd", key: k, id: "1-1", fields: [[bytes("a"), bytes("b")]] }),
    ).rejects.toMatchObject({ code: "engine", message: expect.stringMatching(/equal or smaller/) });
    await run({ kind: "delete", keys: [k] });
  });

  it("says what a key holds when a collection operation meets another type", async () => {
    const k = key("wrongtype");
    await run({ kind: "delete", keys: [k] });
    await cmd("RPUSH", k, "x");
    await expect(run({ kind: "hashScan", key: k, cursor: "0" })).rejects.toMatchObject({
      code: "bad-input",
      message: `coll-${mode}:wrongtype holds a list, not a hash: open it as a list.`,
    });
    await expect(
      run({ kind: "zsetAdd", key: k, member: bytes("m"), score: 1 }),
    ).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/holds a list, not a zset/),
    });
    await expect(
      run({
        kind: "listRemoveAt",
        key: keyFromText(`coll-${mode}:str`),
        index: 0,
        expected: bytes("v"),
      }),
    ).resolves.toEqual({ removed: false });
    await run({ kind: "set", key: keyFromText(`coll-${mode}:str`), value: bytes("v") });
    await expect(
      run({
        kind: "listRemoveAt",
        key: keyFromText(`coll-${mode}:str`),
        index: 0,
        expected: bytes("v"),
      }),
    ).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/holds a string, not a list/),
    });
    await expect(
      run({ kind: "streamRange", key: k, start: "-", end: "+", count: 10 }),
    ).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/holds a list, not a stream/),
    });
    await run({ kind: "delete", keys: [k, keyFromText(`coll-${mode}:str`)] });
  });
});
