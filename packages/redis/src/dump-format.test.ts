import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { decodeDumpString, dumpRdbVersion, dumpValueType } from "./dump-format.ts";

describe("DUMP payload decoding (real server payloads)", () => {
  const servers = inject("servers");
  const r = new Redis({ port: servers.redis.port, host: "127.0.0.1" });
  afterAll(() => r.disconnect());

  it.each([
    ["short text", "hello"],
    ["integer", "12345"],
    ["negative int", "-7"],
    ["long compressible text", "abc".repeat(500)],
    ["binary", Buffer.from([0, 255, 10, 13, 1]).toString("latin1")],
  ])("decodes a %s string", async (_name, value) => {
    const key = `dumpfmt:${_name}`;
    await r.set(key, Buffer.from(value, "latin1"));
    const payload = (await r.dumpBuffer(key))!;
    expect(Buffer.from(decodeDumpString(payload)!).toString("latin1")).toBe(value);
    expect(dumpRdbVersion(payload)).toBeGreaterThanOrEqual(9);
    await r.del(key);
  });

  it("returns undefined for other types", async () => {
    await r.hset("dumpfmt:h", "f", "v");
    expect(decodeDumpString((await r.dumpBuffer("dumpfmt:h"))!)).toBeUndefined();
    await r.del("dumpfmt:h");
  });

  it("reads the value type from the payload, for small and large encodings alike", async () => {
    const big = Array.from({ length: 600 }, (_, i) => `member-${i}-${"x".repeat(80)}`);
    const cases: [string, () => Promise<unknown>][] = [
      ["string", () => r.set("dumpfmt:t", "v")],
      ["hash", () => r.hset("dumpfmt:t", "f", "v")],
      ["hash", () => r.hset("dumpfmt:t", ...big.flatMap((m) => [m, m]))],
      ["list", () => r.rpush("dumpfmt:t", "a", "b")],
      ["list", () => r.rpush("dumpfmt:t", ...big)],
      ["set", () => r.sadd("dumpfmt:t", "1", "2")],
      ["set", () => r.sadd("dumpfmt:t", "a", "b")],
      ["set", () => r.sadd("dumpfmt:t", ...big)],
      ["zset", () => r.zadd("dumpfmt:t", 1, "a")],
      ["zset", () => r.zadd("dumpfmt:t", ...big.flatMap((m, i) => [i, m]))],
      ["stream", () => r.xadd("dumpfmt:t", "*", "f", "v")],
    ];
    for (const [type, fill] of cases) {
      await r.del("dumpfmt:t");
      await fill();
      expect([type, dumpValueType((await r.dumpBuffer("dumpfmt:t"))!)]).toEqual([type, type]);
    }
    await r.del("dumpfmt:t");
  });
});
