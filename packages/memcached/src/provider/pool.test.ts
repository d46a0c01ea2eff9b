import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MemcachedServer, startMemcached } from "../../../../test/harness/index.ts";
import { GateFixture, k } from "../../../../test/support/memcached-gate.ts";
import { KetamaRing } from "../pool/ketama.ts";
import type { MemcachedScanPage } from "./key-listing.ts";

const fx = new GateFixture();
let a: MemcachedServer;
let b: MemcachedServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startMemcached(), startMemcached()]);
});
afterAll(async () => {
  await fx.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

describe("a pool of two memcached servers", () => {
  const keys = Array.from({ length: 60 }, (_, i) => k(`pool:item:${i}`));

  it("puts each key on its ketama server, and only there", async () => {
    const profile = fx.profile(`memcached://127.0.0.1:${a.port},127.0.0.1:${b.port}`);
    const provider = fx.provider(profile);
    expect(provider.servers).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    const ring = new KetamaRing([
      { host: "127.0.0.1", port: a.port },
      { host: "127.0.0.1", port: b.port },
    ]);
    await Promise.all(keys.map((key) => fx.run(profile, { kind: "set", key, value: key })));
    const onA: string[] = [];
    for (const key of keys) {
      const text = new TextDecoder().decode(key);
      const home = provider.serverFor(key);
      expect(home).toBe(provider.servers[ring.serverIndex(key)]);
      const [mine, other] = home === `127.0.0.1:${a.port}` ? [a, b] : [b, a];
      expect(await mine.command(`mg ${text} s`), text).toBe(`HD s${key.length}\r\n`);
      expect(await other.command(`mg ${text} s`), text).toBe("EN\r\n");
      if (mine === a) onA.push(text);
    }
    // Both servers hold a fair share.
    expect(onA.length).toBeGreaterThan(15);
    expect(onA.length).toBeLessThan(45);
  });

  it("lists across both servers, recording which server listed each key", async () => {
    const profile = fx.profile(`memcached://127.0.0.1:${a.port},127.0.0.1:${b.port}`);
    const provider = fx.provider(profile);
    const page = (await fx.run(profile, {
      kind: "scan",
      cursor: "0",
      match: "pool:item:*",
      count: 1000,
    })) as MemcachedScanPage;
    expect(page.done).toBe(true);
    expect(page.keys).toHaveLength(60);
    expect(page.total).toBe(60);
    expect(page.listedBy).toEqual(page.keys.map((key) => provider.serverFor(key)));
    expect(new Set(page.listedBy).size).toBe(2);
  });

  it("reads, describes, deletes and counts across the pool", async () => {
    const profile = fx.profile(`memcached://127.0.0.1:${a.port},127.0.0.1:${b.port}`);
    const read = await fx.run(profile, { kind: "get", key: keys[7]! });
    expect(read.value).toEqual(keys[7]);
    const stats = await fx.run(profile, { kind: "stats" });
    expect(stats.keys).toBe(60);
    expect(stats.fields.servers).toBe("2");
    expect(
      Number(stats.fields[`127.0.0.1:${a.port}/curr_items`]) +
        Number(stats.fields[`127.0.0.1:${b.port}/curr_items`]),
    ).toBe(60);
    const info = await fx.run(profile, { kind: "describe", keys });
    expect(info.every((x, i) => x.type === "string" && x.key === keys[i])).toBe(true);
    expect(await fx.run(profile, { kind: "delete", keys })).toEqual({ deleted: 60 });
    expect((await fx.run(profile, { kind: "stats" })).keys).toBe(0);
  });
});
