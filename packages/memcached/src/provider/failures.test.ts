import { readdirSync, readFileSync } from "node:fs";
import { CachifyError } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type MemcachedServer, startMemcached } from "../../../../test/harness/index.ts";
import { GateFixture, k } from "../../../../test/support/memcached-gate.ts";

const fx = new GateFixture();
let server: MemcachedServer;
let tiny: MemcachedServer;

beforeAll(async () => {
  [server, tiny] = await Promise.all([
    startMemcached(),
    // -M: answer "out of memory" instead of evicting, in 2 MB.
    startMemcached({ args: ["-M"], memoryMb: 2 }),
  ]);
});
afterAll(async () => {
  await fx.close();
  await Promise.all([server?.stop(), tiny?.stop()]);
});

async function failure(p: Promise<unknown>): Promise<CachifyError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof CachifyError)) throw new Error(`expected a CachifyError, got ${String(e)}`);
  return e;
}

/**
 * SIGSTOP takes effect asynchronously: a server thread already running may still answer for a
 * moment. Wait until every thread of the process shows state T (stopped) in /proc.
 */
async function pauseFully(s: MemcachedServer): Promise<void> {
  s.process.pause();
  const pid = s.process.pid;
  for (let i = 0; i < 200; i++) {
    const tasks = readdirSync(`/proc/${pid}/task`);
    const states = tasks.map(
      (t) => readFileSync(`/proc/${pid}/task/${t}/stat`, "latin1").split(") ")[1]![0],
    );
    if (states.every((st) => st === "T" || st === "t")) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the server did not stop");
}

const cmdSets = async () =>
  Number(/STAT cmd_set (\d+)/.exec(await server.command("stats", "END\r\n"))![1]);

describe("failures", () => {
  it("reports a refused connection as a retryable, unambiguous connection error", async () => {
    const port = await freePort();
    const profile = fx.profile(`memcached://127.0.0.1:${port}`);
    const e = await failure(fx.run(profile, { kind: "ping" }));
    expect(e).toMatchObject({
      code: "connection",
      errorClass: "connection",
      retryable: true,
      ambiguous: false,
    });
    expect(e.message).toBe(
      `Could not connect to memcached at 127.0.0.1:${port} (connection refused). Check that the server is running and the address in the profile.`,
    );
    expect(fx.history.events.at(-1)).toMatchObject({ outcome: "error", errorClass: "connection" });
  });

  it("times out on a paused server, never resends, and recovers once it resumes", async () => {
    const profile = fx.profile(server.url, { timeoutMs: 300 });
    await fx.run(profile, { kind: "set", key: k("paused:a"), value: k("before") });
    const setsBefore = await cmdSets();
    await pauseFully(server);
    try {
      const started = Date.now();
      const e = await failure(
        fx.run(profile, { kind: "set", key: k("paused:a"), value: k("during") }),
      );
      expect(e.code).toBe("timeout");
      expect(e.message).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
      const again = await failure(fx.run(profile, { kind: "get", key: k("paused:a") }));
      expect(again.code).toBe("timeout");
    } finally {
      server.process.resume();
    }
    const read = await fx.run(profile, { kind: "get", key: k("paused:a") });
    expect(read.value).toEqual(k("before"));
    // The set never got past its first read while the server was paused: nothing was resent.
    expect(await cmdSets()).toBe(setsBefore);
    await fx.run(profile, { kind: "set", key: k("paused:a"), value: k("after") });
    expect((await fx.run(profile, { kind: "get", key: k("paused:a") })).value).toEqual(k("after"));
  });

  it("reports a connection lost after sending as ambiguous, and reconnects after a restart", async () => {
    const profile = fx.profile(server.url, { timeoutMs: 5000 });
    await fx.run(profile, { kind: "ping" });
    await pauseFully(server);
    const pending = failure(fx.run(profile, { kind: "get", key: k("lost") }));
    await new Promise((r) => setTimeout(r, 100));
    // SIGKILL straight away: the harness's kill() sends SIGCONT first, which would let the
    // paused server answer before it dies.
    process.kill(server.process.pid, "SIGKILL");
    await server.process.kill("SIGKILL");
    const e = await pending;
    expect(e).toMatchObject({ code: "connection", errorClass: "connection", ambiguous: true });
    expect(e.message).toMatch(/after the request was sent: it may or may not have been applied/);
    await server.restart();
    expect((await fx.run(profile, { kind: "ping" })).latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("reports out of memory as a retryable server error", async () => {
    const profile = fx.profile(tiny.url);
    const value = new Uint8Array(100_000);
    let e: CachifyError | undefined;
    for (let i = 0; i < 100 && !e; i++) {
      e = await fx.run(profile, { kind: "set", key: k(`oom:${i}`), value }).then(
        () => undefined,
        (x: CachifyError) => x,
      );
    }
    expect(e).toMatchObject({
      code: "engine",
      errorClass: "memcached-server-error",
      retryable: true,
    });
    expect(e!.message).toMatch(/out of memory.*try again/);
  });
});
