import { keyFromText, type RespValue, type SlowlogEntry } from "@cachify/core";
import slotOf from "cluster-key-slot";
import { describe, expect, it } from "vitest";
import { bytes, gateFor, MODES, text } from "../../../../test/support/redis-gate.ts";

const bulk = (s: string | Uint8Array): RespValue => ({
  type: "bulk",
  value: typeof s === "string" ? bytes(s) : s,
});

/** A hash tag in slot 0: keyless console commands go to slot 0's primary in a cluster. */
function slotZeroTag(): string {
  for (let i = 0; ; i++) if (slotOf(`{t${i}}`) === 0) return `{t${i}}`;
}

describe.each(MODES)("Redis console, command info, rename, slowlog (%s)", (mode) => {
  const { run, cmd } = gateFor(mode, "console");
  const p = `cons-${mode}:`;

  it("runs raw commands and keeps the reply's RESP shape (status, bulk, nil, integer, array)", async () => {
    const k = `${p}{raw}str`;
    expect((await cmd("SET", k, "hello")).reply).toEqual({ type: "status", value: "OK" });
    expect((await cmd("get", k)).reply).toEqual(bulk("hello"));
    expect((await cmd("SET", k, "OK", "GET")).reply).toEqual(bulk("hello"));
    expect((await cmd("GET", k)).reply).toEqual(bulk("OK"));
    expect((await cmd("GET", `${p}{raw}missing`)).reply).toEqual({ type: "nil" });
    expect((await cmd("SET", `${p}{raw}n`, "41")).reply.type).toBe("status");
    expect((await cmd("INCR", `${p}{raw}n`)).reply).toEqual({ type: "integer", value: 42 });
    expect((await cmd("TYPE", `${p}{raw}n`)).reply).toEqual({ type: "status", value: "string" });
    expect((await cmd("PING")).reply).toEqual({ type: "status", value: "PONG" });
    expect((await cmd("PING", "hi")).reply).toEqual(bulk("hi"));

    // HGETALL as the server sends it (ioredis would turn it into an object): a flat array, binary.
    const h = keyFromText(`${p}{raw}hash`);
    const field = new Uint8Array([0x00, 0xff, 0x0a]);
    await run({ kind: "delete", keys: [h] });
    await run({ kind: "hashSet", key: h, field, value: bytes("v1") });
    const all = (await cmd("hgetall", h)).reply;
    expect(all).toEqual({ type: "array", value: [bulk(field), bulk("v1")] });
    expect((await cmd("HGETALL", `${p}{raw}none`)).reply).toEqual({ type: "array", value: [] });

    // A binary key and value through the console.
    const binKey = new Uint8Array([...Buffer.from(`${p}{raw}`), 0x00, 0xfe]);
    const binValue = new Uint8Array([0xff, 0x00, 0x0d, 0x0a]);
    await cmd("SET", binKey, binValue);
    expect((await cmd("GET", binKey)).reply).toEqual(bulk(binValue));
    expect((await cmd("DEL", binKey)).reply).toEqual({ type: "integer", value: 1 });
    await run({ kind: "delete", keys: [h, keyFromText(k), keyFromText(`${p}{raw}n`)] });
  });

  it("throws a top-level error reply and refuses commands that would take the connection over", async () => {
    await cmd("SET", `${p}text`, "abc");
    await expect(cmd("INCR", `${p}text`)).rejects.toMatchObject({
      code: "engine",
      message: expect.stringMatching(/not an integer/),
    });
    await expect(cmd("HGET", `${p}text`, "f")).rejects.toMatchObject({ code: "bad-input" });
    for (const [args, why] of [
      [["SUBSCRIBE", "news"], /SUBSCRIBE puts the shared connection in subscriber mode/],
      [["select", "1"], /SELECT would switch the database/],
      [["MONITOR"], /MONITOR/],
      [["MULTI"], /transaction/],
      [["CLIENT", "KILL", "ID", "1", "SKIPME", "no"], /SKIPME/],
      [["CLIENT", "REPLY", "OFF"], /CLIENT REPLY/],
    ] as const) {
      await expect(cmd(...args)).rejects.toMatchObject({
        code: "bad-input",
        message: expect.stringMatching(why),
      });
    }
    // The old form of CLIENT KILL names one connection: ours is refused, another one is not ours.
    const info = (await cmd("CLIENT", "INFO")).reply as { value: Uint8Array };
    const addr = /\baddr=(\S+)/.exec(text(info.value)!)![1]!;
    await expect(cmd("CLIENT", "KILL", addr)).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/studio's own connection/),
    });
    await expect(cmd("CLIENT", "KILL", "127.0.0.1:1")).rejects.toMatchObject({
      code: "engine",
      message: expect.stringMatching(/No such client/),
    });
    // The shared connection still works.
    expect((await cmd("GET", `${p}text`)).reply).toEqual(bulk("abc"));
    await run({ kind: "delete", keys: [keyFromText(`${p}text`)] });
  });

  it("routes keyless commands and subcommands whose key ioredis cannot find", async () => {
    const k = `${p}usage`;
    await cmd("SET", k, "x".repeat(100));
    const usage = (await cmd("MEMORY", "USAGE", k)).reply;
    expect(usage.type).toBe("integer");
    expect((usage as { value: number }).value).toBeGreaterThan(100);
    expect((await cmd("OBJECT", "ENCODING", k)).reply).toEqual(bulk("raw"));
    expect((await cmd("DBSIZE")).reply.type).toBe("integer");
    const config = (await cmd("CONFIG", "GET", "maxmemory-policy")).reply;
    expect(config).toEqual({ type: "array", value: [bulk("maxmemory-policy"), expect.anything()] });
    await run({ kind: "delete", keys: [keyFromText(k)] });
  });

  it("describes commands from COMMAND INFO: flags, ACL categories, key positions, unknown", async () => {
    const docs = await run({
      kind: "commandInfo",
      names: ["get", "SET", "flushdb", "no-such-command"],
    });
    expect(docs).toHaveLength(4);
    const [get, set, flushdb, unknown] = docs;
    expect(get).toMatchObject({ name: "get", known: true, firstKey: 1, lastKey: 1, step: 1 });
    expect(get!.flags).toContain("readonly");
    expect(get!.categories).toEqual(expect.arrayContaining(["@read", "@string"]));
    expect(set).toMatchObject({ name: "set", known: true, firstKey: 1, lastKey: 1, step: 1 });
    expect(set!.flags).toContain("write");
    expect(set!.categories).toContain("@write");
    expect(flushdb).toMatchObject({ name: "flushdb", known: true, firstKey: 0, lastKey: 0 });
    expect(flushdb!.flags).toContain("write");
    expect(flushdb!.categories).toContain("@dangerous");
    expect(unknown).toEqual({
      name: "no-such-command",
      flags: [],
      categories: [],
      firstKey: 0,
      lastKey: 0,
      step: 0,
      known: false,
    });
    expect(await run({ kind: "commandInfo", names: [] })).toEqual([]);
  });

  it("renames with RENAMENX unless overwrite is set", async () => {
    const a = keyFromText(`${p}{ren}a`);
    const b = keyFromText(`${p}{ren}b`);
    await run({ kind: "set", key: a, value: bytes("A") });
    await run({ kind: "set", key: b, value: bytes("B") });
    expect(await run({ kind: "rename", key: a, newKey: b, overwrite: false })).toEqual({
      renamed: false,
    });
    expect(text((await run({ kind: "get", key: b })).value)).toBe("B");
    expect(text((await run({ kind: "get", key: a })).value)).toBe("A");
    expect(await run({ kind: "rename", key: a, newKey: b, overwrite: true })).toEqual({
      renamed: true,
    });
    expect(text((await run({ kind: "get", key: b })).value)).toBe("A");
    expect((await run({ kind: "get", key: a })).type).toBe("none");
    expect(await run({ kind: "rename", key: b, newKey: a, overwrite: false })).toEqual({
      renamed: true,
    });
    await expect(run({ kind: "rename", key: b, newKey: a, overwrite: true })).rejects.toMatchObject(
      {
        code: "not-found",
      },
    );
    await run({ kind: "delete", keys: [a, b] });
  });

  it("renames across hash slots on standalone, and refuses it on a cluster with a hash-tag hint", async () => {
    const a = keyFromText(`${p}cross-a`);
    const b = keyFromText(`${p}cross-b`);
    expect(slotOf(Buffer.from(a))).not.toBe(slotOf(Buffer.from(b)));
    await run({ kind: "set", key: a, value: bytes("A") });
    if (mode === "cluster") {
      await expect(
        run({ kind: "rename", key: a, newKey: b, overwrite: true }),
      ).rejects.toMatchObject({
        code: "bad-input",
        message: expect.stringMatching(/CROSSSLOT[\s\S]*\{hash tag\}/),
      });
      expect(text((await run({ kind: "get", key: a })).value)).toBe("A");
    } else {
      expect(await run({ kind: "rename", key: a, newKey: b, overwrite: true })).toEqual({
        renamed: true,
      });
      expect(text((await run({ kind: "get", key: b })).value)).toBe("A");
    }
    await run({ kind: "delete", keys: [a, b] });
  });

  it("reads the slowlog of every primary with values redacted and key names kept", async () => {
    // In a cluster, CONFIG SET (keyless) goes to slot 0's primary: keep the keys in slot 0 too.
    const tag = mode === "cluster" ? slotZeroTag() : "";
    const key = `${tag}${p}slowkey`;
    const evalKey = `${tag}${p}evalkey`;
    const configValue = async (name: string) => {
      const r = (await cmd("CONFIG", "GET", name)).reply as { value: RespValue[] };
      return text((r.value[1] as { value: Uint8Array }).value)!;
    };
    const maxLen = await configValue("slowlog-max-len");
    let entries: SlowlogEntry[];
    try {
      expect((await cmd("CONFIG", "SET", "slowlog-max-len", "10000")).reply).toEqual({
        type: "status",
        value: "OK",
      });
      await cmd("CONFIG", "SET", "slowlog-log-slower-than", "0");
      await cmd("SET", key, "secretvalue");
      await cmd("EVAL", "return 'secretscript'", "1", evalKey, "secretarg");
      entries = await run({ kind: "slowlog", count: 1000 });
    } finally {
      await cmd("CONFIG", "SET", "slowlog-log-slower-than", "10000");
      await cmd("CONFIG", "SET", "slowlog-max-len", maxLen);
    }
    expect(entries.length).toBeGreaterThan(2);
    const all = JSON.stringify(entries);
    expect(all).not.toMatch(/secret/);
    const set = entries.find((e) => e.command.includes(key));
    expect(set).toBeDefined();
    expect(set!.command).toEqual(["SET", key, "<11 bytes>"]);
    expect(set!.node).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(set!.ts).toBeGreaterThan(Date.now() - 60_000);
    expect(set!.ts).toBeLessThanOrEqual(Date.now() + 1000);
    expect(set!.durationMicros).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(set!.id)).toBe(true);
    // EVAL's key sits after numkeys (movable keys): kept; the script and ARGV are not.
    const evalEntry = entries.find((e) => e.command[0] === "EVAL" && e.command.includes(evalKey));
    expect(evalEntry!.command).toEqual(["EVAL", "<21 bytes>", "<1 bytes>", evalKey, "<9 bytes>"]);
    // A container command keeps its subcommand name.
    expect(entries.some((e) => e.command.join(" ") === "CONFIG SET <23 bytes> <1 bytes>")).toBe(
      true,
    );
    // Newest first.
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i - 1]!.ts).toBeGreaterThanOrEqual(entries[i]!.ts);
    }
    if (mode === "cluster") {
      expect(new Set(entries.map((e) => e.node)).size).toBeGreaterThanOrEqual(1);
    }
    await run({ kind: "delete", keys: [keyFromText(key), keyFromText(evalKey)] });
  });

  it("reports stats with the keyspace line of the profile's database", async () => {
    await run({ kind: "set", key: keyFromText(`${p}stat`), value: bytes("v") });
    const stats = await run({ kind: "stats" });
    expect(stats.fields.db0).toMatch(/^keys=\d+,expires=\d+,avg_ttl=\d+/);
    expect(stats.keys).toBeGreaterThanOrEqual(1);
    expect(stats.version).toMatch(/^\d+\./);
    await run({ kind: "delete", keys: [keyFromText(`${p}stat`)] });
  });
});
