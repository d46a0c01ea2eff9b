import { CachifyError } from "@cachify/core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freePort, memcachedCommand } from "../../../../test/harness/index.ts";
import { MemcachedConnection } from "./connection.ts";
import type { MetaReply, Reply } from "./replies.ts";
import { ReplyReader } from "./reply-reader.ts";
import {
  metaDelete,
  metaDeleteQuiet,
  metaGet,
  metaNoop,
  metaSet,
  metaSetQuiet,
  statsRequest,
  versionRequest,
} from "./requests.ts";

const server = inject("servers").memcached;
const prefix = `mcconn:${process.pid}:${Date.now()}:`;
const k = (name: string) => new TextEncoder().encode(prefix + name);
const meta = (r: Reply | undefined) => {
  if (r?.kind !== "meta") throw new Error(`expected a meta reply, got ${JSON.stringify(r)}`);
  return r as MetaReply;
};

const conn = new MemcachedConnection({
  host: server.host,
  port: server.port,
  connectTimeoutMs: 2000,
});
afterAll(() => conn.close());

describe("MemcachedConnection against memcached", () => {
  it("connects lazily and answers mn, version and stats", async () => {
    const lazy = new MemcachedConnection({
      host: server.host,
      port: server.port,
      connectTimeoutMs: 2000,
    });
    expect(lazy.isOpen).toBe(false);
    expect(meta(await lazy.request(metaNoop())).status).toBe("MN");
    expect(lazy.isOpen).toBe(true);
    expect(await lazy.request(versionRequest())).toEqual({
      kind: "line",
      line: expect.stringMatching(/^VERSION 1\.6/),
    });
    const stats = await lazy.request(statsRequest());
    expect(stats.kind === "stats" && Number(stats.stats.curr_connections)).toBeGreaterThan(0);
    await lazy.close();
    expect(lazy.isOpen).toBe(false);
  });

  it("round-trips a binary value holding CR LF, END and NUL bytes", async () => {
    const value = new Uint8Array([0, 13, 10, 69, 78, 68, 13, 10, 255, 86, 65, 32, 51, 13, 10]);
    expect(meta(await conn.request(metaSet(k("bin"), value, ["T0", "F7"]))).status).toBe("HD");
    const r = meta(await conn.request(metaGet(k("bin"), ["v", "f", "t", "s"])));
    expect(r.status).toBe("VA");
    expect(new Uint8Array(r.value!)).toEqual(value);
    expect(r.flags).toEqual({ f: "7", t: "-1", s: String(value.length) });
  });

  it("pipelines 2,000 requests in one write and matches every reply in order", async () => {
    const sets = Array.from({ length: 1000 }, (_, i) =>
      metaSet(k(`p${i}`), new TextEncoder().encode(`value-${i}`), ["T60"]),
    );
    const gets = Array.from({ length: 1000 }, (_, i) => metaGet(k(`p${i}`), ["v"]));
    const replies = await conn.pipeline([...sets, ...gets]);
    expect(replies.slice(0, 1000).every((r) => meta(r).status === "HD")).toBe(true);
    replies.slice(1000).forEach((r, i) => {
      expect(new TextDecoder().decode(meta(r).value)).toBe(`value-${i}`);
    });
    const deleted = await conn.pipeline(
      Array.from({ length: 1000 }, (_, i) => metaDelete(k(`p${i}`))),
    );
    expect(deleted.every((r) => meta(r).status === "HD")).toBe(true);
  });

  it("quiet runs: one reply entry for thousands of commands, only what was not suppressed", async () => {
    const keys = Array.from({ length: 3000 }, (_, i) => k(`q${i}`));
    const value = (i: number) => new TextEncoder().encode(`v${i}`);
    // ms q: HD suppressed; mode E (add) answers NS for a key that exists.
    const set = await conn.request(
      metaSetQuiet(keys.map((key, i) => ({ key, value: value(i), flags: ["T60", "F0"] }))),
    );
    expect(set).toEqual({ kind: "quiet", replies: [] });
    const add = await conn.request(
      metaSetQuiet(keys.slice(0, 3).map((key) => ({ key, value: value(9), flags: ["ME"] }))),
    );
    expect(add.kind === "quiet" && add.replies.map((r) => r.kind === "meta" && r.status)).toEqual([
      "NS",
      "NS",
      "NS",
    ]);
    // Requests before and after a quiet run keep their own replies.
    const [before, run, after] = await conn.pipeline([
      metaGet(keys[5]!, ["v"]),
      metaDeleteQuiet([...keys.slice(0, 2000), k("q-missing-1"), k("q-missing-2")]),
      metaGet(keys[2500]!, ["v"]),
    ]);
    expect(new TextDecoder().decode(meta(before).value)).toBe("v5");
    expect(run).toEqual({
      kind: "quiet",
      replies: [
        { kind: "meta", status: "NF", flags: {} },
        { kind: "meta", status: "NF", flags: {} },
      ],
    });
    expect(new TextDecoder().decode(meta(after).value)).toBe("v2500");
    expect(meta(await conn.request(metaGet(keys[1999]!, ["v"]))).status).toBe("EN");
    await conn.request(metaDeleteQuiet(keys.slice(2000)));
  });

  it("quiet runs: a server error is returned in the run; a client error resets the connection", async () => {
    const c = new MemcachedConnection({
      host: server.host,
      port: server.port,
      connectTimeoutMs: 2000,
    });
    const big = new Uint8Array(2 * 1024 * 1024);
    const run = await c.request(
      metaSetQuiet([
        { key: k("qe1"), value: new TextEncoder().encode("a"), flags: [] },
        { key: k("qe-big"), value: big, flags: [] },
        { key: k("qe2"), value: new TextEncoder().encode("b"), flags: [] },
      ]),
    );
    expect(run.kind === "quiet" && run.replies).toEqual([
      expect.objectContaining({ kind: "error", type: "SERVER_ERROR" }),
    ]);
    expect(new TextDecoder().decode(meta(await c.request(metaGet(k("qe2"), ["v"]))).value)).toBe(
      "b",
    );
    // A command line the server cannot read: the connection starts over, the run fails.
    const broken = {
      bytes: Buffer.from(`md ${prefix}qe1 q\r\nmd${" x".repeat(200)} q\r\nmn\r\n`),
      shape: "quiet" as const,
    };
    await expect(c.request(broken)).rejects.toMatchObject({ code: "connection" });
    expect(c.isOpen).toBe(false);
    expect(meta(await c.request(metaNoop())).status).toBe("MN");
    await c.close();
  });

  it("quiet runs check every key before anything is written", () => {
    expect(() => metaDeleteQuiet([k("fine"), k("not fine")])).toThrow(/contains a space/);
    expect(() => metaSetQuiet([{ key: k("line\r\nmn"), value: k("v"), flags: [] }])).toThrow(
      /control character/,
    );
    expect(() => metaSetQuiet([{ key: k("ok"), value: k("v"), flags: ["T1 q"] }])).toThrow(
      /bad meta flag/,
    );
  });

  it("reads a 1,000,000-byte value that arrives in many chunks", async () => {
    const value = new Uint8Array(1_000_000).map((_, i) => (i * 31) & 0xff);
    expect(meta(await conn.request(metaSet(k("big"), value, []))).status).toBe("HD");
    const [r, after] = await conn.pipeline([metaGet(k("big"), ["v"]), metaNoop()]);
    expect(Buffer.compare(meta(r).value!, Buffer.from(value))).toBe(0);
    expect(meta(after).status).toBe("MN");
  });

  it("parses the server's own bytes fed one at a time", async () => {
    await conn.request(metaSet(k("feed"), new TextEncoder().encode("a\r\nb"), ["T0", "F3"]));
    const version = await conn.request(versionRequest());
    const raw = await memcachedCommand(
      server.port,
      `mg ${prefix}feed v f\r\nmg ${prefix}nope v\r\nmn\r\nstats\r\nversion`,
      `${version.kind === "line" ? version.line : "VERSION"}\r\n`,
    );
    const reader = new ReplyReader();
    const replies: Reply[] = [];
    const shapes = ["meta", "meta", "meta", "stats", "line"] as const;
    for (const byte of Buffer.from(raw, "latin1")) {
      reader.push(Buffer.from([byte]));
      const r = reader.read(shapes[replies.length]!);
      if (r) replies.push(r);
    }
    expect(replies.map((r) => (r.kind === "meta" ? r.status : r.kind))).toEqual([
      "VA",
      "EN",
      "MN",
      "stats",
      "line",
    ]);
    expect(new TextDecoder().decode(meta(replies[0]).value)).toBe("a\r\nb");
    expect(reader.buffered).toBe(0);
  });

  it("returns an error reply for a command the server rejects, then starts a fresh socket", async () => {
    const bogus = { bytes: Buffer.from("bogus_command\r\n"), shape: "meta" as const };
    const reply = await conn.request(bogus);
    expect(reply).toMatchObject({ kind: "error", type: "ERROR" });
    expect(conn.isOpen).toBe(false);
    expect(meta(await conn.request(metaNoop())).status).toBe("MN");
  });

  it("fails a request on a refused connection without ambiguity", async () => {
    const port = await freePort();
    const c = new MemcachedConnection({ host: "127.0.0.1", port, connectTimeoutMs: 2000 });
    const e = await c.request(metaNoop()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CachifyError);
    expect(e).toMatchObject({
      code: "connection",
      errorClass: "connection",
      retryable: true,
      ambiguous: false,
    });
    expect((e as Error).message).toBe(
      `Could not connect to memcached at 127.0.0.1:${port} (connection refused). Check that the server is running and the address in the profile.`,
    );
  });

  it("drops pending requests when the caller aborts, and reconnects on next use", async () => {
    const c = new MemcachedConnection({
      host: server.host,
      port: server.port,
      connectTimeoutMs: 2000,
    });
    await c.request(metaNoop());
    const controller = new AbortController();
    // A metadump-free way to keep a request pending: a value the server waits for.
    const half = { bytes: Buffer.from(`ms ${prefix}half 10\r\nabc`), shape: "meta" as const };
    const pending = c.request(half, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "connection", ambiguous: true });
    expect(c.isOpen).toBe(false);
    expect(meta(await c.request(metaGet(k("half"), ["v"]))).status).toBe("EN");
    await c.close();
    await expect(c.request(metaNoop())).rejects.toMatchObject({ code: "connection" });
  });
});
