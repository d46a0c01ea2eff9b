import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import type { CachifyError } from "@cachify/core";
import { describe, expect, inject, it } from "vitest";
import { freePort, startRedis, startTlsRedis } from "../../../test/harness/index.ts";
import { gateSuite } from "../../../test/support/redis-connection.ts";
import { isSelfConnected } from "./connect-guard.ts";

const servers = inject("servers");

describe("test connection: clear errors", () => {
  const g = gateSuite();

  it("connection refused names the address and what to check", async () => {
    const port = await freePort();
    const e = await g.pingError({ url: `redis://127.0.0.1:${port}` });
    expect(e.code).toBe("connection");
    expect(e.message).toMatch(
      new RegExp(
        `could not connect to 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\. Check that the server is running and the host and port`,
      ),
    );
    expect(e.details).toMatchObject({ reason: "refused" });
  });

  it("a server that accepts but does not answer times out naming timeoutMs", async () => {
    const frozen = await startRedis();
    frozen.process.pause();
    try {
      // A new connection: the set-up commands get no answer.
      const e = await g.pingError({ url: frozen.url, timeoutMs: 300 });
      expect(e.message).toMatch(
        /accepted the connection but did not answer within timeoutMs \(300 ms\)\. If it expects TLS, turn tls on .*raise timeoutMs in the profile/,
      );
      expect(e.code).toBe("timeout");
      expect(e.details).toMatchObject({ reason: "no-answer", field: "timeoutMs" });
      // A connection that worked: the gate's timeout, which names timeoutMs too.
      frozen.process.resume();
      const p = g.profile({ url: frozen.url, timeoutMs: 300 });
      await g.t.gate.run(p, { kind: "ping" }, { origin: "cli" });
      frozen.process.pause();
      await expect(g.t.gate.run(p, { kind: "ping" }, { origin: "cli" })).rejects.toMatchObject({
        code: "timeout",
        message: expect.stringMatching(
          /timed out after 300 ms \(profile timeout\).*raise the profile's timeoutMs/,
        ),
      });
    } finally {
      frozen.process.resume();
      await frozen.stop();
    }
  });

  it("a TLS handshake that does not finish fails naming connectTimeoutMs", async () => {
    const tls = await startTlsRedis();
    tls.process.pause();
    try {
      const e = await g.pingError({
        url: tls.url,
        tls: { ca: tls.certs.caPem },
        connectTimeoutMs: 300,
        timeoutMs: 3000,
      });
      expect(e.message).toMatch(
        /did not complete the TLS handshake within connectTimeoutMs \(300 ms\).*raise connectTimeoutMs/,
      );
      expect(e.details).toMatchObject({ field: "connectTimeoutMs" });
    } finally {
      tls.process.resume();
      await tls.stop();
    }
  });

  it("a memcached port given as redis says it is not the Redis protocol", async () => {
    const e = await g.pingError({ url: `redis://127.0.0.1:${servers.memcached.port}` });
    expect(e.message).toMatch(
      /answered, but not in the Redis protocol .*looks like memcached .*Check the port and the engine/,
    );
    expect(e.details).toMatchObject({ reason: "not-redis" });
  });

  it("an HTTP server given as redis says it looks like HTTP", async () => {
    const http: Server = createHttpServer((_req, res) => res.end("hello"));
    const port = await freePort();
    await new Promise<void>((r) => http.listen(port, "127.0.0.1", r));
    try {
      const e = await g.pingError({ url: `redis://127.0.0.1:${port}` });
      // A TLS profile on it: the HTTP answer is no TLS record.
      const tls = await g.pingError({ url: `rediss://127.0.0.1:${port}` });
      expect(tls.message).toMatch(/does not speak TLS on this port\. Turn tls off in the profile/);
      expect(e.message).toMatch(
        /not in the Redis protocol \(its reply began with "H"\): it looks like an HTTP server/,
      );
    } finally {
      http.close();
    }
  });
});

describe("self-connect guard", () => {
  const g = gateSuite();

  /** An even port in the ephemeral range where nothing listens (connect() prefers even ports). */
  async function idleEphemeralPort(): Promise<number> {
    for (;;) {
      const port = 2 * Math.floor((33_000 + Math.random() * 26_000) / 2);
      const free = await new Promise<boolean>((resolve) => {
        const srv = createServer();
        srv.once("error", () => resolve(false));
        srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
      });
      if (free) return port;
    }
  }

  it("recognizes a socket connected to itself", async () => {
    const port = await idleEphemeralPort();
    // Binding the local end to the target port forces the TCP simultaneous open.
    const sock: Socket = connect({
      host: "127.0.0.1",
      port,
      localAddress: "127.0.0.1",
      localPort: port,
    });
    await new Promise<void>((resolve, reject) => {
      sock.once("connect", resolve);
      sock.once("error", reject);
    });
    try {
      expect(isSelfConnected(sock)).toBe(true);
    } finally {
      sock.destroy();
    }
  });

  it("never succeeds on an idle ephemeral port, however often it reconnects", async () => {
    const port = await idleEphemeralPort();
    const p = g.profile({ url: `redis://127.0.0.1:${port}`, timeoutMs: 2000 });
    const outcomes: Record<string, number> = {};
    // Repeated connects to one address make the kernel pick local ports across the ephemeral
    // range (about 14,000 even ones here), so sooner or later `port` itself is the local end: the
    // guard must catch that connection. Newer kernels pick them at random, so the bound is wide
    // (a miss after 150,000 tries has odds below one in 40,000); it usually comes within seconds.
    const deadline = Date.now() + 110_000;
    for (let i = 0; i < 150_000 && Date.now() < deadline; i++) {
      try {
        await g.t.gate.run(p, { kind: "ping" }, { origin: "cli" });
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (e) {
        const reason = String((e as CachifyError).details?.reason ?? (e as Error).message);
        outcomes[reason] = (outcomes[reason] ?? 0) + 1;
        if (reason === "self-connect") {
          expect((e as CachifyError).message).toMatch(
            /the socket connected to itself .*Nothing was sent/,
          );
          break;
        }
      }
    }
    g.t.history.events.length = 0;
    console.log(`self-connect guard on :${port}: ${JSON.stringify(outcomes)}`);
    expect(outcomes.ok).toBeUndefined();
    expect(Object.keys(outcomes).every((k) => k === "refused" || k === "self-connect")).toBe(true);
    expect(outcomes["self-connect"]).toBe(1);
  }, 130_000);
});
