import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import {
  buildProfile,
  CachifyError,
  type ConnectionProfile,
  keyFromText,
  type ProfileInput,
  profileView,
} from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  addAclUser,
  freePort,
  type RedisServer,
  startRedis,
  startTlsRedis,
  type TlsRedisServer,
} from "../../../test/harness/index.ts";
import { makeTestGate } from "../../../test/support/gate.ts";
import { checkTlsFiles, isSelfConnected } from "./connection.ts";
import { createRedisProvider } from "./provider.ts";

const servers = inject("servers");
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** A real gate per suite; `ping`/`roundTrip` build the profile from input and run through it. */
function gateSuite() {
  const t = makeTestGate(createRedisProvider);
  afterAll(() => t.close());
  let n = 0;
  const profile = (input: ProfileInput): ConnectionProfile =>
    buildProfile({ name: `conn-${++n}`, timeoutMs: 3000, connectTimeoutMs: 3000, ...input });
  const ping = (input: ProfileInput) =>
    t.gate.run(profile(input), { kind: "ping" }, { origin: "test" });
  /** The error a ping fails with (the test fails if it succeeds). */
  const pingError = async (input: ProfileInput): Promise<CachifyError> => {
    try {
      await ping(input);
    } catch (e) {
      expect(e).toBeInstanceOf(CachifyError);
      return e as CachifyError;
    }
    throw new Error("the ping succeeded but should have failed");
  };
  /** Writes and reads back a key through the gate. */
  const roundTrip = async (input: ProfileInput) => {
    const p = profile(input);
    const key = keyFromText(`conn:${p.name}`);
    const run = <O extends Parameters<typeof t.gate.run>[1]>(op: O) =>
      t.gate.run(p, op, { origin: "test", confirmation: { acknowledged: true } });
    await run({ kind: "set", key, value: keyFromText("v1"), ttlSeconds: 60 });
    expect(text((await run({ kind: "get", key })).value)).toBe("v1");
    await run({ kind: "delete", keys: [key] });
  };
  return { t, profile, ping, pingError, roundTrip };
}

describe("TLS", () => {
  let server: TlsRedisServer;
  const g = gateSuite();
  beforeAll(async () => {
    server = await startTlsRedis({ authClients: "optional" });
  });
  afterAll(() => server?.stop());

  it("verifies the server against tls.ca given as PEM text or as a file path", async () => {
    await g.roundTrip({ url: server.url, tls: { ca: server.certs.caPem } });
    await g.roundTrip({ url: server.url, tls: { ca: server.certs.caFile } });
    // The certificate lists localhost too: SNI/hostname check by name.
    await g.roundTrip({
      url: server.url,
      tls: { ca: server.certs.caFile, servername: "localhost" },
    });
  });

  it("says which CA to set when the server's CA is not trusted", async () => {
    const none = await g.pingError({ url: server.url });
    expect(none.code).toBe("connection");
    expect(none.message).toMatch(
      /TLS: the server's certificate is not signed by a CA this profile trusts .*Set tls\.ca to the CA certificate that issued it;/,
    );
    expect(none.details).toMatchObject({ reason: "tls-unknown-ca", field: "tls.ca" });
    const other = await g.pingError({ url: server.url, tls: { ca: server.certs.otherCaFile } });
    expect(other.message).toMatch(/\(the current tls\.ca did not\)/);
  });

  it("names tls.servername on a hostname mismatch", async () => {
    const e = await g.pingError({
      url: server.url,
      tls: { ca: server.certs.caPem, servername: "wrong.example" },
    });
    expect(e.message).toMatch(
      /not valid for "wrong\.example" \(it lists IP Address:127\.0\.0\.1, DNS:localhost\)\. Set tls\.servername/,
    );
    expect(e.details).toMatchObject({ reason: "tls-hostname", field: "tls.servername" });
  });

  it("connects with verification off, and the profile view flags it", async () => {
    const input = { url: server.url, tls: { rejectUnauthorized: false } };
    await g.roundTrip(input);
    const view = profileView(g.profile(input));
    expect(view.tls?.rejectUnauthorized).toBe(false);
    expect(view.warnings).toEqual([expect.stringMatching(/TLS certificate verification is off/)]);
    expect(
      profileView(g.profile({ url: server.url, tls: { ca: server.certs.caPem } })).warnings,
    ).toBeUndefined();
  });

  it("says a TLS profile on a plain port does not speak TLS, and the reverse", async () => {
    const tlsOnPlain = await g.pingError({
      url: `rediss://127.0.0.1:${servers.redis.port}`,
      tls: { ca: server.certs.caPem },
      timeoutMs: 500,
    });
    // A plain Redis reads the ClientHello as an inline command and waits for its newline.
    expect(tlsOnPlain.message).toMatch(
      /did not complete the TLS handshake within timeoutMs \(500 ms\)\. If the server does not use TLS on this port, turn tls off/,
    );
    const plainOnTls = await g.pingError({
      url: `redis://127.0.0.1:${server.port}`,
      timeoutMs: 500,
    });
    expect(plainOnTls.message).toMatch(/expects TLS, turn tls on in the profile \(rediss:\/\/\)/);
  });

  it("says so when a TLS file does not exist, on save and at connect", async () => {
    const p = g.profile({ url: server.url, tls: { ca: "/nonexistent/cachify/ca.pem" } });
    expect(() => checkTlsFiles(p)).toThrow(
      /tls\.ca: the file \/nonexistent\/cachify\/ca\.pem does not exist\. Correct the path/,
    );
    await expect(
      g.ping({ url: server.url, tls: { ca: "/nonexistent/cachify/ca.pem" } }),
    ).rejects.toMatchObject({ code: "bad-input", details: { field: "tls.ca" } });
    // A file that is not a certificate, and a relative path.
    expect(() =>
      checkTlsFiles(g.profile({ url: server.url, tls: { ca: server.certs.clientKeyFile } })),
    ).toThrow(/holds a PRIVATE KEY, not only certificates.*belongs in tls\.key/);
    expect(() => g.profile({ url: server.url, tls: { ca: "certs/ca.pem" } })).toThrow(
      /tls\.ca must be PEM text .* or the absolute path of a PEM file/,
    );
  });
});

describe("TLS with client certificates required", () => {
  let server: TlsRedisServer;
  const g = gateSuite();
  beforeAll(async () => {
    server = await startTlsRedis({ authClients: "yes" });
  });
  afterAll(() => server?.stop());

  it("connects with the client certificate and key, as PEM text or files", async () => {
    const c = server.certs;
    await g.roundTrip({
      url: server.url,
      tls: { ca: c.caPem, cert: c.clientCertPem, key: c.clientKeyPem },
    });
    await g.roundTrip({
      url: server.url,
      tls: { ca: c.caFile, cert: c.clientCertFile, key: c.clientKeyFile },
    });
  });

  it("says to set tls.cert and tls.key when the server demands a client certificate", async () => {
    const e = await g.pingError({ url: server.url, tls: { ca: server.certs.caPem } });
    expect(e.code).toBe("connection");
    // The TLS 1.3 alert, or the reset that often replaces it: both say what to set.
    expect(e.message).toMatch(/tls\.cert and tls\.key in the profile/i);
    expect(e.details).toMatchObject({ field: "tls.cert" });
  });

  it("says the server refused a client certificate from another CA", async () => {
    const other = await startTlsRedis({ authClients: "optional" });
    try {
      const e = await g.pingError({
        url: server.url,
        tls: {
          ca: server.certs.caPem,
          cert: other.certs.clientCertPem,
          key: other.certs.clientKeyPem,
        },
      });
      expect(e.message).toMatch(
        /the server refused the client certificate .*tls\.cert must be signed by a CA the server trusts/,
      );
    } finally {
      await other.stop();
    }
  });

  it("keeps the private key out of the view", () => {
    const c = server.certs;
    const view = profileView(
      g.profile({
        url: server.url,
        tls: { ca: c.caPem, cert: c.clientCertPem, key: c.clientKeyPem },
      }),
    );
    expect(view.tls).toMatchObject({ hasKey: true, cert: c.clientCertPem });
    expect(JSON.stringify(view)).not.toContain("PRIVATE KEY");
  });
});

describe("ACL users and passwords", () => {
  let server: RedisServer;
  const g = gateSuite();
  beforeAll(async () => {
    server = await startRedis();
    await server.command("CONFIG", "SET", "requirepass", "default-secret");
    await addAclUser(
      { port: server.port, auth: { password: "default-secret" } },
      "alice",
      "alice-pw",
    );
    await addAclUser(
      { port: server.port, auth: { password: "default-secret" } },
      "reader",
      "reader-pw",
      ["~*", "+@read", "+ping", "+client"],
    );
  });
  afterAll(() => server?.stop());

  it("authenticates an ACL user (URL or fields) and the default user's password", async () => {
    await g.roundTrip({ url: `redis://alice:alice-pw@127.0.0.1:${server.port}` });
    await g.roundTrip({ url: server.url, username: "alice", password: "alice-pw" });
    await g.roundTrip({ url: server.url, password: "default-secret" });
  });

  it("says authentication failed and to check username and password", async () => {
    const wrong = await g.pingError({ url: server.url, username: "alice", password: "nope" });
    expect(wrong.message).toMatch(
      /authentication failed \(WRONGPASS: wrong password for user "alice", or the user is disabled\)\. Check the username and password in the profile\./,
    );
    expect(wrong.details).toMatchObject({ reason: "auth", field: "password" });
    const missing = await g.pingError({ url: server.url });
    expect(missing.message).toMatch(
      /authentication failed \(NOAUTH: .*Check the username and password/,
    );
  });

  it("says authentication failed on a server without requirepass too (it refuses AUTH after accepting the connection)", async () => {
    const open = inject("servers").redis.url;
    const wrong = await g.pingError({ url: open, username: "bob", password: "wrong" });
    expect(wrong.message).toMatch(
      /authentication failed \(WRONGPASS: wrong password for user "bob"/,
    );
    expect(wrong.details).toMatchObject({ reason: "auth", field: "password" });
  });

  it("says which permission an ACL user lacks", async () => {
    const p = g.profile({ url: server.url, username: "reader", password: "reader-pw" });
    await expect(
      g.t.gate.run(
        p,
        { kind: "set", key: keyFromText("acl:x"), value: keyFromText("v") },
        { origin: "test" },
      ),
    ).rejects.toMatchObject({
      errorClass: "NOPERM",
      message: expect.stringMatching(/lacks permission/),
    });
  });

  it("says a database index that does not exist, and never writes to db 0 instead", async () => {
    const e = await g.pingError({ url: `${server.url}/99`, password: "default-secret" });
    expect(e.message).toMatch(/database 99 does not exist on .*Set db in the profile/);
    expect(e.details).toMatchObject({ field: "db" });
    await g.roundTrip({ url: `${server.url}/3`, password: "default-secret" });
  });
});

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
      await g.t.gate.run(p, { kind: "ping" }, { origin: "test" });
      frozen.process.pause();
      await expect(g.t.gate.run(p, { kind: "ping" }, { origin: "test" })).rejects.toMatchObject({
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
        await g.t.gate.run(p, { kind: "ping" }, { origin: "test" });
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
