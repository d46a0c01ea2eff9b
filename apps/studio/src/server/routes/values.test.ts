import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../../test/harness/index.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");
const P = "vals:";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const redis = (...args: string[]) => rawCommand(servers.redis.port, args);

describe("value routes (collections, create, rename, TTL)", () => {
  let studio: RunningStudio;
  let dev = "";
  let prod = "";
  let mc = "";
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-values-"));

  const { call, confirmed } = studioApi(() => studio);

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
    const profiles = studio.app.profiles;
    dev = profiles.create({ name: "vals-dev", url: servers.redis.url }).id;
    prod = profiles.create({ name: "vals-prod", url: servers.redis.url, environment: "prod" }).id;
    mc = profiles.create({ name: "vals-mc", url: servers.memcached.url }).id;
    const keys = (await redis("KEYS", `${P}*`)).match(/vals:[^\r]*/g) ?? [];
    if (keys.length) await redis("DEL", ...keys);
  });
  afterAll(async () => {
    const keys = (await redis("KEYS", `${P}*`)).match(/vals:[^\r]*/g) ?? [];
    if (keys.length) await redis("DEL", ...keys);
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("pages a hash with binary-safe fields, sets and deletes a field after the challenge", async () => {
    const key = `${P}hash`;
    await redis("HSET", key, "a", "1", "b", "two", "c\u0001", "bin");
    const [s, page] = await call("GET", `/api/profiles/${dev}/hash?key=${key}&count=100`);
    expect(s).toBe(200);
    expect(page.length).toBe(3);
    expect(page.done).toBe(true);
    const bin = page.items.find((i: { fieldBase64: string }) => i.fieldBase64 === b64("c\u0001"));
    expect(bin).toMatchObject({ field: "c\\x01", value: "bin" });
    const [, matched] = await call("GET", `/api/profiles/${dev}/hash?key=${key}&match=a*`);
    expect(matched.items.map((i: { field: string }) => i.field)).toEqual(["a"]);

    // hashSet may overwrite: on dev it asks for a confirmation first, and nothing is written.
    const [challenged, c] = await call("PUT", `/api/profiles/${dev}/hash/field`, {
      key,
      field: "a",
      value: "uno",
    });
    expect(challenged).toBe(428);
    expect(c.error.details).toMatchObject({ level: "confirm", profile: "vals-dev" });
    expect(await redis("HGET", key, "a")).toBe("$1\r\n1\r\n");
    const [ok, set] = await confirmed("PUT", `/api/profiles/${dev}/hash/field`, {
      key,
      field: "a",
      value: "uno",
    });
    expect([ok, set]).toEqual([200, { created: false }]);
    expect(await redis("HGET", key, "a")).toBe("$3\r\nuno\r\n");

    const [del, removed] = await confirmed("DELETE", `/api/profiles/${dev}/hash/field`, {
      key,
      fieldBase64: b64("c\u0001"),
    });
    expect([del, removed]).toEqual([200, { removed: 1 }]);
    expect(await redis("HLEN", key)).toBe(":2\r\n");
  });

  it("pages a list by index; set and remove-at refuse when the element changed", async () => {
    const key = `${P}list`;
    await redis("RPUSH", key, "a", "b", "c", "d", "e");
    const [, first] = await call("GET", `/api/profiles/${dev}/list?key=${key}&count=2`);
    expect(first).toMatchObject({ cursor: "2", done: false, length: 5 });
    expect(first.items).toEqual([
      { index: 0, value: "a", valueBase64: b64("a") },
      { index: 1, value: "b", valueBase64: b64("b") },
    ]);
    const [, last] = await call("GET", `/api/profiles/${dev}/list?key=${key}&count=2&cursor=4`);
    expect(last).toMatchObject({ done: true, items: [{ index: 4, value: "e" }] });

    const setItem = (expected: string) =>
      confirmed("PUT", `/api/profiles/${dev}/list/item`, { key, index: 1, value: "B", expected });
    const [stale] = await setItem("not-b");
    expect(stale).toBe(409);
    const [set] = await setItem("b");
    expect(set).toBe(200);
    const [gone, why] = await confirmed("DELETE", `/api/profiles/${dev}/list/item`, {
      key,
      index: 2,
      expected: "x",
    });
    expect(gone).toBe(409);
    expect(why.error.message).toMatch(/changed since it was loaded/);
    const [rm] = await confirmed("DELETE", `/api/profiles/${dev}/list/item`, {
      key,
      index: 2,
      expected: "c",
    });
    expect(rm).toBe(200);
    // Push is a plain write: no confirmation on dev.
    const [push, pushed] = await call("POST", `/api/profiles/${dev}/list/items`, {
      key,
      value: "z",
      end: "head",
    });
    expect([push, pushed]).toEqual([200, { length: 5 }]);
    expect(await redis("LRANGE", key, "0", "-1")).toBe(
      "*5\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
  });

  it("pages a set and a sorted set (scores with infinities), adds and removes members", async () => {
    const set = `${P}set`;
    await redis("SADD", set, "x", "y");
    const [, sp] = await call("GET", `/api/profiles/${dev}/set?key=${set}`);
    expect(sp.items.map((i: { member: string }) => i.member).sort()).toEqual(["x", "y"]);
    expect(
      (await call("POST", `/api/profiles/${dev}/set/member`, { key: set, member: "w" }))[1],
    ).toEqual({ added: 1 });
    expect(
      (await confirmed("DELETE", `/api/profiles/${dev}/set/member`, { key: set, member: "x" }))[1],
    ).toEqual({ removed: 1 });
    expect(await redis("SCARD", set)).toBe(":2\r\n");

    const z = `${P}zset`;
    await redis("ZADD", z, "-inf", "low", "1.5", "mid", "+inf", "high");
    const [, zp] = await call("GET", `/api/profiles/${dev}/zset?key=${z}`);
    expect(zp.items).toEqual([
      { rank: 0, member: "low", memberBase64: b64("low"), score: "-inf" },
      { rank: 1, member: "mid", memberBase64: b64("mid"), score: 1.5 },
      { rank: 2, member: "high", memberBase64: b64("high"), score: "inf" },
    ]);
    const [add] = await confirmed("PUT", `/api/profiles/${dev}/zset/member`, {
      key: z,
      member: "mid",
      score: 2.25,
    });
    expect(add).toBe(200);
    expect(await redis("ZSCORE", z, "mid")).toBe("$4\r\n2.25\r\n");
    await confirmed("DELETE", `/api/profiles/${dev}/zset/member`, { key: z, member: "low" });
    expect(await redis("ZCARD", z)).toBe(":2\r\n");
  });

  it("pages a stream with exclusive cursors, adds and deletes entries", async () => {
    const key = `${P}stream`;
    for (let i = 1; i <= 3; i++) await redis("XADD", key, `${i}-0`, "n", String(i));
    const [, p1] = await call("GET", `/api/profiles/${dev}/stream?key=${key}&count=2`);
    expect(p1).toMatchObject({ cursor: "(2-0", done: false, length: 3 });
    expect(p1.items[0]).toEqual({
      id: "1-0",
      fields: [{ field: "n", fieldBase64: b64("n"), value: "1", valueBase64: b64("1") }],
    });
    const [, p2] = await call(
      "GET",
      `/api/profiles/${dev}/stream?key=${key}&count=2&cursor=${encodeURIComponent(p1.cursor)}`,
    );
    expect(p2.items.map((e: { id: string }) => e.id)).toEqual(["3-0"]);
    const [s, added] = await call("POST", `/api/profiles/${dev}/stream/entries`, {
      key,
      fields: [{ field: "n", value: "4" }],
    });
    expect(s).toBe(200);
    expect(added.id).toMatch(/^\d+-\d+$/);
    await confirmed("DELETE", `/api/profiles/${dev}/stream/entry`, { key, id: "1-0" });
    expect(await redis("XLEN", key)).toBe(":3\r\n");
  });

  it("creates a key of each type, never over an existing one", async () => {
    const make = (type: string, extra: Record<string, unknown>) =>
      confirmed("POST", `/api/profiles/${dev}/keys`, { key: `${P}new:${type}`, type, ...extra });
    expect((await make("string", { value: "s", ttl: 100 }))[0]).toBe(201);
    expect((await make("hash", { field: "f", value: "v" }))[0]).toBe(201);
    expect((await make("list", { value: "l" }))[0]).toBe(201);
    expect((await make("set", { member: "m" }))[0]).toBe(201);
    expect((await make("zset", { member: "m", score: 3 }))[0]).toBe(201);
    const [s, created] = await make("stream", { fields: [{ field: "f", value: "v" }] });
    expect([s, created]).toEqual([
      201,
      { created: true, key: `${P}new:stream`, keyBase64: b64(`${P}new:stream`), type: "stream" },
    ]);
    for (const t of ["string", "hash", "list", "set", "zset", "stream"]) {
      expect(await redis("TYPE", `${P}new:${t}`)).toBe(`+${t}\r\n`);
    }
    const ttl = await redis("TTL", `${P}new:string`);
    expect(Number(ttl.slice(1))).toBeGreaterThan(90);
    const [exists, why] = await make("hash", { field: "f", value: "other" });
    expect(exists).toBe(409);
    expect(why.error.message).toMatch(/already exists/);
    expect(await redis("HGET", `${P}new:hash`, "f")).toBe("$1\r\nv\r\n");
    expect((await make("list", { value: "x", ttl: 5 }))[0]).toBe(400);
  });

  it("renames without overwriting unless asked, sets and removes a TTL, edits a string keeping its TTL", async () => {
    await redis("SET", `${P}from`, "1");
    await redis("SET", `${P}taken`, "2");
    const [conflict, c] = await confirmed("POST", `/api/profiles/${dev}/key/rename`, {
      key: `${P}from`,
      newKey: `${P}taken`,
    });
    expect(conflict).toBe(409);
    expect(c.error.message).toMatch(/allow overwriting/);
    expect(await redis("GET", `${P}taken`)).toBe("$1\r\n2\r\n");
    const [over, renamed] = await confirmed("POST", `/api/profiles/${dev}/key/rename`, {
      key: `${P}from`,
      newKey: `${P}taken`,
      overwrite: true,
    });
    expect([over, renamed]).toEqual([
      200,
      { renamed: true, key: `${P}taken`, keyBase64: b64(`${P}taken`) },
    ]);
    expect(await redis("GET", `${P}taken`)).toBe("$1\r\n1\r\n");

    const [ttl] = await confirmed("PUT", `/api/profiles/${dev}/key/ttl`, {
      key: `${P}taken`,
      ttl: 500,
    });
    expect(ttl).toBe(200);
    expect(Number((await redis("TTL", `${P}taken`)).slice(1))).toBeGreaterThan(400);
    const [edit] = await confirmed("PUT", `/api/profiles/${dev}/string`, {
      key: `${P}taken`,
      value: "edited",
    });
    expect(edit).toBe(200);
    expect(await redis("GET", `${P}taken`)).toBe("$6\r\nedited\r\n");
    expect(Number((await redis("TTL", `${P}taken`)).slice(1))).toBeGreaterThan(400);
    // Removing a TTL only makes the key live longer: no confirmation needed.
    const [persist] = await call("PUT", `/api/profiles/${dev}/key/ttl`, {
      key: `${P}taken`,
      ttl: -1,
    });
    expect(persist).toBe(200);
    expect(await redis("TTL", `${P}taken`)).toBe(":-1\r\n");
  });

  it("asks for the typed name on prod and refuses a wrong one, writing nothing", async () => {
    const key = `${P}prodhash`;
    await redis("HSET", key, "f", "orig");
    const body = { key, field: "f", value: "changed" };
    const [s, c] = await call("PUT", `/api/profiles/${prod}/hash/field`, body);
    expect(s).toBe(428);
    expect(c.error.details).toMatchObject({ level: "typed-name", type: "vals-prod" });
    const [wrong] = await call("PUT", `/api/profiles/${prod}/hash/field`, {
      ...body,
      confirm: { challengeId: c.error.details.challengeId, typedName: "vals-prd" },
    });
    expect(wrong).toBe(428);
    expect(await redis("HGET", key, "f")).toBe("$4\r\norig\r\n");
    const [ok] = await confirmed("PUT", `/api/profiles/${prod}/hash/field`, body);
    expect(ok).toBe(200);
    expect(await redis("HGET", key, "f")).toBe("$7\r\nchanged\r\n");
  });

  it("answers a capability error for what Memcached cannot do, before asking anything", async () => {
    const [page, p] = await call("GET", `/api/profiles/${mc}/hash?key=x`);
    expect(page).toBe(422);
    expect(p.error.code).toBe("capability");
    expect(p.error.message).toMatch(/only byte strings/);
    const [create] = await call("POST", `/api/profiles/${mc}/keys`, {
      key: "x",
      type: "zset",
      member: "m",
    });
    expect(create).toBe(422);
    const [rename, r] = await call("POST", `/api/profiles/${mc}/key/rename`, {
      key: "x",
      newKey: "y",
    });
    expect(rename).toBe(422);
    expect(r.error.message).toMatch(/no RENAME/);
  });

  it("says what is wrong with a request", async () => {
    const [s, e] = await call("PUT", `/api/profiles/${dev}/hash/field`, { key: `${P}hash` });
    expect(s).toBe(400);
    expect(e.error.message).toMatch(/field is required/);
    expect((await call("GET", `/api/profiles/${dev}/list?key=${P}list&cursor=abc`))[0]).toBe(400);
    const [wrongType, w] = await call("GET", `/api/profiles/${dev}/hash?key=${P}list`);
    expect(wrongType).toBe(400);
    expect(w.error.message).toMatch(/holds a list, not a hash/);
  });
});
