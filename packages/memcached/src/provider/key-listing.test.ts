import { CachifyError, type ConnectionProfile } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type MemcachedServer, startMemcached } from "../../../../test/harness/index.ts";
import { GateFixture, k } from "../../../../test/support/memcached-gate.ts";
import { BEST_EFFORT_NOTE, type MemcachedScanPage } from "./key-listing.ts";

const shared = inject("servers").memcached;
const prefix = `mclist:${process.pid}:${Date.now()}:`;
const fx = new GateFixture();
const profile = fx.profile(shared.url);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

let noDump: MemcachedServer;
let busy: MemcachedServer;
beforeAll(async () => {
  [noDump, busy] = await Promise.all([startMemcached({ args: ["-X"] }), startMemcached()]);
});
afterAll(async () => {
  await fx.close();
  await Promise.all([noDump?.stop(), busy?.stop()]);
});

async function failure(p: Promise<unknown>): Promise<CachifyError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof CachifyError)) throw new Error(`expected a CachifyError, got ${String(e)}`);
  return e;
}

/** Pages through a listing to the end. */
async function listAll(p: ConnectionProfile, match: string, count: number) {
  const pages: MemcachedScanPage[] = [];
  let cursor = "0";
  do {
    const page = (await fx.run(p, { kind: "scan", cursor, match, count })) as MemcachedScanPage;
    pages.push(page);
    cursor = page.cursor;
    if (pages.length > 1000) throw new Error("the listing never ended");
  } while (!pages.at(-1)!.done);
  return {
    pages,
    keys: pages.flatMap((pg) => pg.keys),
    listedBy: pages.flatMap((pg) => pg.listedBy),
  };
}

describe("key listing with lru_crawler metadump", () => {
  const special = [
    k(`${prefix}odd:café/100%_~`),
    new Uint8Array([...k(`${prefix}odd:bin:`), 0x80, 0xff, 0x25, 0x32, 0x30]),
  ];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      await fx.run(profile, {
        kind: "set",
        key: k(`${prefix}user:${i}`),
        value: k("u"),
        ttlSeconds: 600,
      });
    }
    await fx.run(profile, { kind: "set", key: k(`${prefix}order:1`), value: k("o") });
    for (const key of special) await fx.run(profile, { kind: "set", key, value: k("s") });
  });

  it("lists the keys matching a pattern, page by page, saying it is best effort", async () => {
    const { pages, keys, listedBy } = await listAll(profile, `${prefix}user:*`, 2);
    expect(keys.map((x) => new TextDecoder().decode(x)).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `${prefix}user:${i}`),
    );
    expect(pages.length).toBe(3);
    expect(pages[0]!.cursor).toMatch(/^md1:/);
    expect(pages.at(-1)!.cursor).toBe("0");
    for (const page of pages) {
      expect(page.bestEffort).toBe(BEST_EFFORT_NOTE);
      expect(page.bestEffort).toMatch(/not a point-in-time snapshot/);
      expect(page.total).toBeGreaterThanOrEqual(8);
    }
    expect(new Set(listedBy)).toEqual(new Set([`${shared.host}:${shared.port}`]));
  });

  it("decodes the server's URL-encoded keys back to their exact bytes", async () => {
    const { keys } = await listAll(profile, `${prefix}odd:*`, 100);
    expect(keys.map(hex).sort()).toEqual(special.map(hex).sort());
  });

  it("lists nothing for a type other than string", async () => {
    const page = await fx.run(profile, {
      kind: "scan",
      cursor: "0",
      match: `${prefix}*`,
      type: "hash",
    });
    expect(page).toMatchObject({ keys: [], done: true, cursor: "0" });
  });

  it("refuses a cursor it did not give out, or one from another pattern", async () => {
    const bad = await failure(fx.run(profile, { kind: "scan", cursor: "17", match: "*" }));
    expect(bad).toMatchObject({ code: "bad-input" });
    expect(bad.message).toMatch(/start again with cursor 0/);
    const first = await fx.run(profile, {
      kind: "scan",
      cursor: "0",
      match: `${prefix}user:*`,
      count: 1,
    });
    const other = await failure(
      fx.run(profile, { kind: "scan", cursor: first.cursor, match: `${prefix}order:*`, count: 1 }),
    );
    expect(other.message).toMatch(/belongs to a listing of/);
  });

  it("continues an expired listing from a fresh dump, and says so", async () => {
    const page = await fx.run(profile, {
      kind: "scan",
      cursor: "md1:gone0000000000000:1",
      match: `${prefix}user:*`,
      count: 100,
    });
    expect(page.keys.length).toBe(4);
    expect(page.bestEffort).toMatch(/taken again/);
  });

  it("gives a capability error when the server runs with -X", async () => {
    const p = fx.profile(noDump.url);
    await fx.run(p, { kind: "set", key: k("x"), value: k("1") });
    const e = await failure(fx.run(p, { kind: "scan", cursor: "0" }));
    expect(e).toMatchObject({ code: "capability" });
    expect(e.message).toMatch(/runs with -X.*Restart memcached without -X/);
    // Reading keys by name still works.
    expect((await fx.run(p, { kind: "get", key: k("x") })).type).toBe("string");
  });

  it("gives a capability error while another LRU crawl runs (BUSY)", async () => {
    const p = fx.profile(busy.url);
    for (let i = 0; i < 2000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          fx.run(p, { kind: "set", key: k(`busy:${i + j}`), value: k("x") }),
        ),
      );
    }
    // A slow crawl: the crawler sleeps a second between batches, so it keeps running.
    expect(await busy.command("lru_crawler sleep 1000000")).toBe("OK\r\n");
    expect(await busy.command("lru_crawler crawl all")).toBe("OK\r\n");
    const e = await failure(fx.run(p, { kind: "scan", cursor: "0" }));
    expect(e).toMatchObject({ code: "capability", retryable: true });
    expect(e.message).toMatch(/busy with another LRU crawl.*list again/);
  });
});
