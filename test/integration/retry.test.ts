import { buildProfile, type ConnectionProfile, keyFromText } from "@cachify/core";
import { createRedisProvider } from "@cachify/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../harness/index.ts";
import { makeTestGate } from "../support/gate.ts";

const text = (s: string) => keyFromText(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("per-profile retry policy against a real server (FR-V2-004)", () => {
  let server: RedisServer;
  let profile: ConnectionProfile;
  const t = makeTestGate(createRedisProvider);

  beforeAll(async () => {
    // AOF on, so data written before a restart is still there after it.
    server = await startRedis({ persist: true, args: ["--appendfsync", "always"] });
    profile = buildProfile({
      name: "retrying",
      url: server.url,
      timeoutMs: 400,
      connectTimeoutMs: 300,
      retry: {
        maxAttempts: 3,
        backoff: "exponential",
        initialDelayMs: 250,
        multiplier: 2,
        jitter: "none",
        retryOn: ["connection", "timeout-ambiguous", "LOADING"],
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  /** Kills the server now and brings it back after `downMs`, while an operation is under way. */
  async function restartDuring<T>(downMs: number, op: () => Promise<T>): Promise<T> {
    await server.process.kill("SIGKILL");
    const back = sleep(downMs).then(() => server.restart());
    try {
      return await op();
    } finally {
      await back;
    }
  }

  it("recovers GET and SET when the server restarts mid-operation", async () => {
    const ack = { origin: "cli" as const, confirmation: { acknowledged: true } };
    await t.gate.run(profile, { kind: "set", key: text("r:k"), value: text("before") }, ack);
    const read = await restartDuring(150, () =>
      t.gate.run(profile, { kind: "get", key: text("r:k") }, { origin: "cli" }),
    );
    // What the server holds after its restart (AOF): the retried GET read exactly that.
    const raw = await server.command("GET", "r:k");
    expect(
      read.value ? `$${read.value.length}\r\n${Buffer.from(read.value).toString()}\r\n` : "$-1\r\n",
    ).toBe(raw);
    const getEvent = t.history.events.at(-1)!;
    expect(getEvent).toMatchObject({ kind: "get", outcome: "ok" });
    expect(getEvent.attempts).toBeGreaterThan(1);

    await restartDuring(150, () =>
      t.gate.run(profile, { kind: "set", key: text("r:k"), value: text("after") }, ack),
    );
    expect(t.history.events.at(-1)).toMatchObject({ kind: "set", outcome: "ok" });
    expect(t.history.events.at(-1)!.attempts).toBeGreaterThan(1);
    expect(await server.command("GET", "r:k")).toBe("$5\r\nafter\r\n");
  });

  it("gives up after max attempts with the last error, each attempt spaced by the backoff", async () => {
    await server.process.kill("SIGKILL");
    const started = performance.now();
    try {
      await expect(
        t.gate.run(profile, { kind: "get", key: text("r:k") }, { origin: "cli" }),
      ).rejects.toMatchObject({
        code: "connection",
      });
    } finally {
      await server.restart();
    }
    // Backoff 250 ms then 500 ms (exponential, no jitter) between the three attempts.
    expect(performance.now() - started).toBeGreaterThanOrEqual(750);
    expect(t.history.events.at(-1)).toMatchObject({ kind: "get", outcome: "error", attempts: 3 });
  });

  it("never repeats INCR after an ambiguous outcome, while GET is retried", async () => {
    await server.command("SET", "r:counter", "0");
    // The console has run INCR before, so the command table is known when the server freezes.
    await t.gate.run(
      profile,
      { kind: "raw", args: [text("INCR"), text("r:warm")] },
      { origin: "cli" },
    );
    server.process.pause();
    try {
      await expect(
        t.gate.run(
          profile,
          { kind: "raw", args: [text("INCR"), text("r:counter")] },
          { origin: "cli" },
        ),
      ).rejects.toMatchObject({ code: "timeout" });
      expect(t.history.events.at(-1)).toMatchObject({ outcome: "timeout", attempts: 1 });
      const get = t.gate.run(profile, { kind: "get", key: text("r:counter") }, { origin: "cli" });
      // Each attempt either times out on the frozen socket or cannot finish connecting.
      await expect(get).rejects.toMatchObject({
        code: expect.stringMatching(/^(timeout|connection)$/),
      });
      expect(t.history.events.at(-1)).toMatchObject({ kind: "get", attempts: 3 });
    } finally {
      server.process.resume();
    }
    await sleep(100);
    // The one INCR that reached the server ran once; nothing sent it again.
    expect(await server.command("GET", "r:counter")).toBe("$1\r\n1\r\n");
  });

  it("does not let ioredis resend a write after reconnecting", async () => {
    await server.command("SET", "r:list-len", "0");
    await server.command("DEL", "r:list");
    server.process.pause();
    const push = t.gate.run(
      profile,
      { kind: "listPush", key: text("r:list"), values: [text("x")], end: "tail" },
      { origin: "cli" },
    );
    await expect(push).rejects.toMatchObject({
      code: expect.stringMatching(/^(timeout|connection)$/),
    });
    await server.process.kill("SIGKILL");
    await server.restart();
    await sleep(200);
    const len = await server.command("LLEN", "r:list");
    // The push was frozen with the old process (lost or, with AOF, not yet written): never applied twice.
    expect(["0", "1"]).toContain(/:(\d+)/.exec(len)![1]);
    await t.gate.run(profile, { kind: "ping" }, { origin: "cli" });
    expect(await server.command("LLEN", "r:list")).toBe(len);
  });
});
