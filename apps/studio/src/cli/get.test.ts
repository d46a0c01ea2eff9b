import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const P = "cliget:";
const redis = (...args: string[]) => rawCommand(servers.redis.port, args);
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
/** Non-UTF-8 bytes cannot go through rawCommand's text args: Lua's string.char writes them. */
const BIN = "string.char(255, 0, 97)"; // \xff \x00 a
const binB64 = Buffer.from([0xff, 0x00, 0x61]).toString("base64");

async function clean(): Promise<void> {
  const keys = (await redis("KEYS", `${P}*`)).match(/cliget:[^\r]*/g) ?? [];
  if (keys.length) await redis("DEL", ...keys);
}

interface Page<T> {
  key: string;
  type: string;
  ttl: number;
  length: number;
  items: T[];
  cursor: string;
  done: boolean;
}

describe("cachify get: every value type, page by page (real Redis and Memcached)", () => {
  const sb = cliSandbox();

  beforeAll(async () => {
    await clean();
    expect((await sb.run("profile", "add", "g", "--url", servers.redis.url)).code).toBe(0);
    expect((await sb.run("profile", "add", "gmc", "--url", servers.memcached.url)).code).toBe(0);
  });
  afterAll(async () => {
    await clean();
    sb.cleanup();
  });

  it("reads a hash: aligned field/value lines, binary escaped, and the API's item shape in JSON", async () => {
    const key = `${P}hash`;
    await redis("HSET", key, "a", "1", "name", "Ada Lovelace", "c\u0001", "ctl");
    await redis("EVAL", `return redis.call('HSET', KEYS[1], 'bin', ${BIN})`, "1", key);
    const text = await sb.run("get", "g", key);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        "hash · 4 fields · no expiry",
        "a      1",
        "name   Ada Lovelace",
        "c\\x01  ctl",
        "bin    \\xff\\x00a",
        "(end)",
        "",
      ].join("\n"),
    );
    const json = (await sb.run("get", "g", key, "--json")).json<Page<Record<string, unknown>>>();
    expect(json).toMatchObject({
      key,
      keyBase64: b64(key),
      type: "hash",
      ttl: -1,
      length: 4,
      cursor: "0",
      done: true,
    });
    expect(json).not.toHaveProperty("value");
    expect(json.items).toContainEqual({
      field: "c\\x01",
      fieldBase64: b64("c\u0001"),
      value: "ctl",
      valueBase64: b64("ctl"),
    });
    // Not UTF-8: no text, the exact bytes in base64 (as GET /api/profiles/:id/hash answers).
    expect(json.items).toContainEqual({
      field: "bin",
      fieldBase64: b64("bin"),
      value: null,
      valueBase64: binB64,
    });
  });

  it("reads a list with its TTL: index and value per line", async () => {
    const key = `${P}list`;
    await redis("RPUSH", key, "x", "", "line\nbreak");
    await redis("EXPIRE", key, "100");
    const text = await sb.run("get", "g", key);
    expect(text.stdout).toMatch(/^list · 3 elements · ttl (9\d|100)s\n/);
    // One item stays one line: the newline is escaped; an empty value is named, not blank.
    expect(text.stdout.split("\n").slice(1)).toEqual([
      "0  x",
      "1  (empty)",
      "2  line\\nbreak",
      "(end)",
      "",
    ]);
    const json = (await sb.run("get", "g", key, "--json")).json<Page<unknown>>();
    expect(json.ttl).toBeGreaterThan(90);
    expect(json.items).toEqual([
      { index: 0, value: "x", valueBase64: b64("x") },
      { index: 1, value: "", valueBase64: "" },
      { index: 2, value: "line\nbreak", valueBase64: b64("line\nbreak") },
    ]);
  });

  it("reads a set, one member a line, a binary member escaped", async () => {
    const key = `${P}set`;
    await redis("SADD", key, "red", "green");
    await redis("EVAL", `return redis.call('SADD', KEYS[1], ${BIN})`, "1", key);
    const lines = (await sb.run("get", "g", key)).stdout.split("\n");
    expect(lines[0]).toBe("set · 3 members · no expiry");
    expect(lines.slice(1, 4).sort()).toEqual(["\\xff\\x00a", "green", "red"]);
    expect(lines[4]).toBe("(end)");
    const json = (await sb.run("get", "g", key, "--json")).json<Page<unknown>>();
    expect(json).toMatchObject({ type: "set", length: 3, done: true });
    expect(json.items).toContainEqual({ member: "\\xff\\x00a", memberBase64: binB64 });
    expect(json.items).toContainEqual({ member: "red", memberBase64: b64("red") });
  });

  it("reads a sorted set by rank: rank, member, score (inf as the API writes it)", async () => {
    const key = `${P}zset`;
    await redis("ZADD", key, "1", "a", "2.5", "bee", "+inf", "top");
    const text = await sb.run("get", "g", key);
    expect(text.stdout).toBe(
      ["zset · 3 members · no expiry", "0  a    1", "1  bee  2.5", "2  top  inf", "(end)", ""].join(
        "\n",
      ),
    );
    const json = (await sb.run("get", "g", key, "--json")).json<Page<unknown>>();
    expect(json.items).toEqual([
      { rank: 0, member: "a", memberBase64: b64("a"), score: 1 },
      { rank: 1, member: "bee", memberBase64: b64("bee"), score: 2.5 },
      { rank: 2, member: "top", memberBase64: b64("top"), score: "inf" },
    ]);
  });

  it("reads a stream: id then field=value pairs", async () => {
    const key = `${P}stream`;
    await redis("XADD", key, "1-1", "user", "ada", "action", "login");
    await redis("XADD", key, "2-0", "user", "bob");
    const text = await sb.run("get", "g", key);
    expect(text.stdout).toBe(
      [
        "stream · 2 entries · no expiry",
        "1-1  user=ada action=login",
        "2-0  user=bob",
        "(end)",
        "",
      ].join("\n"),
    );
    const json = (await sb.run("get", "g", key, "--json")).json<Page<unknown>>();
    expect(json).toMatchObject({ type: "stream", length: 2, done: true });
    expect(json.items[1]).toEqual({
      id: "2-0",
      fields: [{ field: "user", fieldBase64: b64("user"), value: "bob", valueBase64: b64("bob") }],
    });
  });

  it("pages a set bigger than one page with --count / --cursor, every member exactly once", async () => {
    const key = `${P}big-set`;
    // Non-integer members over 128 of them: a real hash table, so SSCAN really pages.
    const members = Array.from({ length: 300 }, (_, i) => `m:${i}`);
    await redis("SADD", key, ...members);
    const seen: string[] = [];
    let cursor = "0";
    let pages = 0;
    for (;;) {
      const r = await sb.run("get", "g", key, "--count", "40", "--cursor", cursor, "--json");
      expect(r.code).toBe(0);
      const page = r.json<Page<{ member: string }>>();
      expect(page.length).toBe(300);
      seen.push(...page.items.map((i) => i.member));
      pages++;
      if (page.done) break;
      cursor = page.cursor;
      expect(pages).toBeLessThan(100);
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.length).toBe(300);
    expect(new Set(seen)).toEqual(new Set(members));
    // The text form says where to go on, with the same cursor.
    const first = await sb.run("get", "g", key, "--count", "40");
    const next = (await sb.run("get", "g", key, "--count", "40", "--json")).json<Page<unknown>>();
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe(`(more: --cursor ${next.cursor})`);
  });

  it("pages a list by index and a stream by entry id until done", async () => {
    const list = `${P}big-list`;
    const values = Array.from({ length: 23 }, (_, i) => `v${i}`);
    await redis("RPUSH", list, ...values);
    const seen: string[] = [];
    let cursor = "0";
    for (let n = 0; n < 10; n++) {
      const page = (
        await sb.run("get", "g", list, "--count", "5", "--cursor", cursor, "--json")
      ).json<Page<{ index: number; value: string }>>();
      seen.push(...page.items.map((i) => i.value));
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(seen).toEqual(values);

    const stream = `${P}big-stream`;
    for (let i = 1; i <= 5; i++) await redis("XADD", stream, `${i}-0`, "n", String(i));
    const first = await sb.run("get", "g", stream, "--count", "2");
    // A stream cursor starts with "(": printed quoted, ready to paste into a shell.
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe("(more: --cursor '(2-0')");
    const ids: string[] = [];
    cursor = "0";
    for (let n = 0; n < 10; n++) {
      const page = (
        await sb.run("get", "g", stream, "--count", "2", "--cursor", cursor, "--json")
      ).json<Page<{ id: string }>>();
      ids.push(...page.items.map((e) => e.id));
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(ids).toEqual(["1-0", "2-0", "3-0", "4-0", "5-0"]);
  });

  it("refuses a page size out of 1..10000 and a list cursor that is not an index (exit 2)", async () => {
    const key = `${P}list`;
    await redis("RPUSH", key, "x");
    for (const count of ["0", "10001"]) {
      const r = await sb.run("get", "g", key, "--count", count, "--json");
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr).error.message).toMatch(/1 to 10000/);
    }
    expect((await sb.run("get", "g", key, "--cursor", "abc")).code).toBe(2);
  });

  it("reads a binary-named hash through --key-base64", async () => {
    const keyB64 = Buffer.concat([Buffer.from(P), Buffer.from([0x00, 0xfe])]).toString("base64");
    await redis(
      "EVAL",
      "return redis.call('HSET', KEYS[1] .. string.char(0, 254), 'f', 'v')",
      "1",
      P,
    );
    const json = (await sb.run("get", "g", "--key-base64", keyB64, "--json")).json<Page<unknown>>();
    expect(json).toMatchObject({ key: `${P}\\x00\\xfe`, keyBase64: keyB64, type: "hash" });
    expect(json.items).toEqual([
      { field: "f", fieldBase64: b64("f"), value: "v", valueBase64: b64("v") },
    ]);
  });

  it("reads Memcached values as strings, and says when a key is missing", async () => {
    expect((await sb.run("set", "gmc", `${P}mc`, "hello memcached")).code).toBe(0);
    const text = await sb.run("get", "gmc", `${P}mc`);
    expect([text.code, text.stdout]).toEqual([0, "hello memcached\n"]);
    // Paging flags do not apply to a string and do not get in the way.
    expect((await sb.run("get", "gmc", `${P}mc`, "--count", "5", "--json")).json()).toMatchObject({
      key: `${P}mc`,
      type: "string",
      value: "hello memcached",
    });
    const missing = await sb.run("get", "gmc", `${P}mc-none`);
    expect([missing.code, missing.stdout]).toEqual([0, `(missing) ${P}mc-none\n`]);
    expect((await sb.run("get", "gmc", `${P}mc-none`, "--json")).json()).toMatchObject({
      type: "none",
      ttl: -2,
    });
  });

  it("says (missing) for a Redis key that does not exist, exit 0, paging flags or not", async () => {
    const key = `${P}nothing-here`;
    const r = await sb.run("get", "g", key, "--count", "10", "--cursor", "5");
    expect([r.code, r.stdout]).toEqual([0, `(missing) ${key}\n`]);
    // Today's JSON shape for a missing key, nothing added.
    expect((await sb.run("get", "g", key, "--count", "10", "--json")).json()).toEqual({
      key,
      keyBase64: b64(key),
      type: "none",
      ttl: -2,
      value: null,
    });
  });
});
