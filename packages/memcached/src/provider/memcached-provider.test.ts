import { CachifyError, OperationGate, ProviderPool } from "@cachify/core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freePort, memcachedCommand } from "../../../../test/harness/index.ts";
import {
  GateFixture,
  k,
  MemoryHistory,
  MemoryPolicies,
} from "../../../../test/support/memcached-gate.ts";
import { createMemcachedProvider } from "./memcached-provider.ts";

const server = inject("servers").memcached;
const prefix = `mcprov:${process.pid}:${Date.now()}:`;
const key = (name: string) => k(prefix + name);
const raw = (line: string) => memcachedCommand(server.port, line);
const fx = new GateFixture();
const profile = fx.profile(server.url);
afterAll(() => fx.close());

async function failure(p: Promise<unknown>): Promise<CachifyError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof CachifyError)) throw new Error(`expected a CachifyError, got ${String(e)}`);
  return e;
}

/** Seconds left on a key, read straight from the server (outside the product). */
async function serverTtl(name: string): Promise<number> {
  const line = await raw(`mg ${prefix}${name} t`);
  const m = /^HD t(-?\d+)/.exec(line);
  if (!m) throw new Error(`no TTL for ${name}: ${line}`);
  return Number(m[1]);
}

describe("MemcachedProvider through the operation gate", () => {
  it("sets, gets, describes, expires and deletes a binary value", async () => {
    const value = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(await fx.run(profile, { kind: "set", key: key("bin"), value, ttlSeconds: 120 })).toEqual(
      {
        written: true,
      },
    );
    const read = await fx.run(profile, { kind: "get", key: key("bin") });
    expect(read).toMatchObject({ type: "string", sizeBytes: 256, flags: 0 });
    expect(read.value).toEqual(value);
    expect(read.ttlMs).toBeGreaterThan(110_000);
    expect(read.ttlMs).toBeLessThanOrEqual(120_000);

    const info = await fx.run(profile, { kind: "describe", keys: [key("bin"), key("missing")] });
    expect(info[0]).toMatchObject({ type: "string", sizeBytes: 256 });
    expect(info[1]).toEqual({ key: key("missing"), type: "none", ttlMs: -2 });

    expect(await fx.run(profile, { kind: "expire", key: key("bin"), ttlSeconds: 300 })).toEqual({
      applied: true,
    });
    expect(await serverTtl("bin")).toBeGreaterThan(295);
    await fx.run(profile, { kind: "expire", key: key("bin"), ttlSeconds: -1 });
    expect((await fx.run(profile, { kind: "get", key: key("bin") })).ttlMs).toBe(-1);
    expect(await fx.run(profile, { kind: "expire", key: key("missing"), ttlSeconds: 10 })).toEqual({
      applied: false,
    });

    expect(await fx.run(profile, { kind: "delete", keys: [key("bin"), key("missing")] })).toEqual({
      deleted: 1,
    });
    expect(await fx.run(profile, { kind: "get", key: key("bin") })).toEqual({
      key: key("bin"),
      type: "none",
      ttlMs: -2,
    });
    expect(await raw(`mg ${prefix}bin v`)).toBe("EN\r\n");
  });

  it("expires a key at once with ttlSeconds 0", async () => {
    await fx.run(profile, { kind: "set", key: key("now"), value: k("x") });
    expect(await fx.run(profile, { kind: "expire", key: key("now"), ttlSeconds: 0 })).toEqual({
      applied: true,
    });
    expect((await fx.run(profile, { kind: "get", key: key("now") })).type).toBe("none");
  });

  it("stores a 1 MB value, and refuses one over the item size limit as a client error", async () => {
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 7) & 0xff);
    await fx.run(profile, { kind: "set", key: key("1mb"), value: big });
    const read = await fx.run(profile, { kind: "get", key: key("1mb") });
    expect(read.sizeBytes).toBe(1_000_000);
    expect(Buffer.compare(Buffer.from(read.value!), Buffer.from(big))).toBe(0);

    const tooBig = new Uint8Array(1024 * 1024);
    const e = await failure(fx.run(profile, { kind: "set", key: key("too-big"), value: tooBig }));
    expect(e).toMatchObject({ code: "engine", errorClass: "client-error", retryable: false });
    expect(e.message).toMatch(/object too large for cache.*raise -I/);
    // The connection stayed in step: the next reply is the right one.
    expect((await fx.run(profile, { kind: "get", key: key("1mb") })).sizeBytes).toBe(1_000_000);
  });

  it("sends TTLs above 30 days as absolute unix time", async () => {
    const day = 86_400;
    await fx.run(profile, { kind: "set", key: key("long"), value: k("v"), ttlSeconds: 40 * day });
    expect(Math.abs((await serverTtl("long")) - 40 * day)).toBeLessThanOrEqual(2);
    await fx.run(profile, { kind: "expire", key: key("long"), ttlSeconds: 31 * day });
    expect(Math.abs((await serverTtl("long")) - 31 * day)).toBeLessThanOrEqual(2);
    // Exactly 30 days is still relative on the server.
    await fx.run(profile, { kind: "expire", key: key("long"), ttlSeconds: 30 * day });
    expect(Math.abs((await serverTtl("long")) - 30 * day)).toBeLessThanOrEqual(2);
    const read = await fx.run(profile, { kind: "get", key: key("long") });
    expect(read.ttlMs).toBeGreaterThan((30 * day - 3) * 1000);
  });

  it("keeps the item's client flags on set, and its TTL with keepTtl", async () => {
    expect(await raw(`ms ${prefix}flags 2 T500 F42\r\nhi`)).toBe("HD\r\n");
    await fx.run(profile, { kind: "set", key: key("flags"), value: k("new value") });
    expect(await raw(`mg ${prefix}flags f t s`)).toBe("HD f42 t-1 s9\r\n");

    expect(await raw(`ms ${prefix}flags 2 T500 F42\r\nhi`)).toBe("HD\r\n");
    await fx.run(profile, { kind: "set", key: key("flags"), value: k("kept"), keepTtl: true });
    expect(await raw(`mg ${prefix}flags f`)).toBe("HD f42\r\n");
    expect(await serverTtl("flags")).toBeGreaterThan(495);
    const read = await fx.run(profile, { kind: "get", key: key("flags") });
    expect(read).toMatchObject({ flags: 42, value: k("kept") });
  });

  it("refuses keys with a space, a newline or 251 bytes before anything reaches a socket", async () => {
    // A profile whose server does not exist: a refusal there can only come before connecting.
    const dead = fx.profile(`memcached://127.0.0.1:${await freePort()}`);
    const spaced = await failure(fx.run(dead, { kind: "set", key: k("user 1"), value: k("v") }));
    expect(spaced.code).toBe("bad-input");
    expect(spaced.message).toMatch(/contains a space at byte 4/);

    // A newline would end the command and start another one: "ms <prefix>injected ...".
    const injection = k(`${prefix}x\r\nms ${prefix}injected 1 T0\r\nZ`);
    const injected = await failure(fx.run(profile, { kind: "set", key: injection, value: k("v") }));
    expect(injected.code).toBe("bad-input");
    expect(injected.message).toMatch(/carriage return/);
    expect(await raw(`mg ${prefix}injected v`)).toBe("EN\r\n");
    expect(await raw(`mg ${prefix}x v`)).toBe("EN\r\n");

    const long = new Uint8Array(251).fill(0x61);
    const tooLong = await failure(fx.run(profile, { kind: "get", key: long }));
    expect(tooLong.message).toMatch(/251 bytes long/);

    // One bad key refuses the whole request: the good key is not deleted.
    await fx.run(profile, { kind: "set", key: key("keep"), value: k("v") });
    const mixed = await failure(
      fx.run(profile, { kind: "delete", keys: [key("keep"), k(`${prefix}bad\nkey`)] }),
    );
    expect(mixed.message).toMatch(/line feed/);
    expect(await raw(`mg ${prefix}keep v`)).toBe("VA 1\r\nv\r\n");
    expect(fx.history.events.at(-1)).toMatchObject({ outcome: "error", errorCode: "bad-input" });
  });

  it("answers ping, stats and capabilities", async () => {
    const ping = await fx.run(profile, { kind: "ping" });
    expect(ping.latencyMs).toBeGreaterThanOrEqual(0);
    const stats = await fx.run(profile, { kind: "stats" });
    expect(stats).toMatchObject({ engine: "memcached", version: expect.stringMatching(/^1\.6\./) });
    expect(stats.keys).toBe(Number(stats.fields.curr_items));
    expect(stats.fields.limit_maxbytes).toMatch(/^\d+$/);
    const caps = fx.provider(profile).capabilities();
    expect(caps).toMatchObject({
      engine: "memcached",
      types: ["string"],
      ttlRead: true,
      ttlWrite: true,
      dumpRestore: true,
      keyListing: "best-effort",
      scan: false,
      stats: true,
      cluster: false,
    });
    expect(caps.reasons.scan).toMatch(/metadump/);
    expect(caps.reasons.dumpRestore).toBeTruthy();
    expect(caps.reasons.keyListing).toBeTruthy();
  });

  it("closes its connections; a closed provider runs nothing more", async () => {
    const provider = createMemcachedProvider(profile);
    const gate = new OperationGate({
      providers: new ProviderPool(() => provider),
      history: new MemoryHistory(),
      policies: new MemoryPolicies(),
    });
    await gate.run(profile, { kind: "ping" }, { origin: "cli" });
    await provider.close();
    const e = await failure(gate.run(profile, { kind: "ping" }, { origin: "cli" }));
    expect(e).toMatchObject({ code: "connection" });
    expect(e.message).toMatch(/closed by Cachify/);
  });

  it("runs nothing without a gate ticket", async () => {
    const provider = fx.provider(profile);
    const forged = {
      operationId: "x",
      deadline: Date.now() + 1000,
      signal: new AbortController().signal,
      attempt: 1,
    };
    await expect(
      provider.execute({ kind: "delete", keys: [key("keep")] }, forged as never),
    ).rejects.toThrow(/operation gate/);
    expect(await raw(`mg ${prefix}keep v`)).toBe("VA 1\r\nv\r\n");
  });

  it("answers Redis-only operations with a capability error", async () => {
    const hash = await failure(fx.run(profile, { kind: "hashScan", key: key("h"), cursor: "0" }));
    expect(hash).toMatchObject({ code: "capability" });
    expect(hash.message).toMatch(/only strings/);
    const rename = await failure(
      fx.run(profile, { kind: "rename", key: key("keep"), newKey: key("moved"), overwrite: false }),
    );
    expect(rename.message).toMatch(/no RENAME/);
    const console = await failure(fx.run(profile, { kind: "raw", args: [k("GET"), key("keep")] }));
    expect(console.code).toBe("capability");
  });
});
