import { createServer, type Server, type Socket } from "node:net";
import { CachifyError, type ConnectionProfile, profileView } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type MemcachedServer, startMemcached } from "../../../../test/harness/index.ts";
import { GateFixture, k } from "../../../../test/support/memcached-gate.ts";

/** memcached's own TLS (`memcached -Z`), started per suite with a PKI made by the harness. */

const plain = inject("servers").memcached;
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

function suite() {
  const g = new GateFixture();
  afterAll(() => g.close());
  let n = 0;
  const profile = (url: string, tls: unknown, extra: Record<string, unknown> = {}) =>
    g.profile(url, { name: `mc-tls-${++n}`, tls, connectTimeoutMs: 2000, ...extra });
  const roundTrip = async (p: ConnectionProfile) => {
    const key = k(`mctls:${p.name}:${process.pid}`);
    await g.run(p, { kind: "set", key, value: k("v1"), ttlSeconds: 60 });
    expect(text((await g.run(p, { kind: "get", key })).value)).toBe("v1");
    await g.run(p, { kind: "delete", keys: [key] });
  };
  const pingError = async (p: ConnectionProfile): Promise<CachifyError> => {
    try {
      await g.run(p, { kind: "ping" });
    } catch (e) {
      expect(e).toBeInstanceOf(CachifyError);
      return e as CachifyError;
    }
    throw new Error("the ping succeeded but should have failed");
  };
  return { g, profile, roundTrip, pingError };
}

describe("memcached over TLS (-Z)", () => {
  let server: MemcachedServer;
  const s = suite();
  beforeAll(async () => {
    server = await startMemcached({ tls: {} });
  });
  afterAll(() => server?.stop());

  it("sets and gets through the gate with tls.ca as PEM text or a file, and by name", async () => {
    const certs = server.certs!;
    await s.roundTrip(s.profile(server.url, { ca: certs.caPem }));
    await s.roundTrip(s.profile(server.url, { ca: certs.caFile }));
    // The certificate lists localhost too: SNI and the hostname check by name.
    await s.roundTrip(s.profile(server.url, { ca: certs.caFile, servername: "localhost" }));
    await s.roundTrip(s.profile(`memcached://localhost:${server.port}`, { ca: certs.caFile }));
  });

  it("says which CA to set when the server's CA is not trusted, in Redis's words", async () => {
    const none = await s.pingError(s.profile(server.url, true));
    expect(none.code).toBe("connection");
    expect(none.retryable).toBe(false);
    expect(none.message).toMatch(
      /^memcached at 127\.0\.0\.1:\d+: TLS: the server's certificate is not signed by a CA this profile trusts .*Set tls\.ca to the CA certificate that issued it;.* On the command line: cachify profile edit NAME --tls-ca FILE\.$/,
    );
    expect(none.details).toMatchObject({ reason: "tls-unknown-ca", field: "tls.ca" });
    const other = await s.pingError(s.profile(server.url, { ca: server.certs!.otherCaFile }));
    expect(other.message).toMatch(/\(the current tls\.ca did not\)/);
  });

  it("names tls.servername on a hostname mismatch", async () => {
    const e = await s.pingError(
      s.profile(server.url, { ca: server.certs!.caPem, servername: "wrong.example" }),
    );
    expect(e.message).toMatch(
      /not valid for "wrong\.example" \(it lists IP Address:127\.0\.0\.1, DNS:localhost\)\. Set tls\.servername/,
    );
    expect(e.details).toMatchObject({ reason: "tls-hostname", field: "tls.servername" });
  });

  it("connects with verification off, and the profile view flags it", async () => {
    const p = s.profile(server.url, { rejectUnauthorized: false });
    await s.roundTrip(p);
    const view = profileView(p);
    expect(view.tls?.rejectUnauthorized).toBe(false);
    expect(view.warnings).toEqual([expect.stringMatching(/TLS certificate verification is off/)]);
  });

  it("says a TLS profile on a plain port does not speak TLS, and the reverse", async () => {
    const tlsOnPlain = await s.pingError(
      s.profile(plain.url, { ca: server.certs!.caPem }, { connectTimeoutMs: 500 }),
    );
    // memcached reads the ClientHello as a bad command line and hangs up.
    expect(tlsOnPlain.message).toMatch(
      /closed the connection during the TLS handshake\. If the server does not use TLS on this port \(memcached without -Z\), turn tls off in the profile \(without --tls\)/,
    );
    expect(tlsOnPlain.details).toMatchObject({ field: "tls" });
    const plainOnTls = await s.pingError(s.profile(server.url, undefined));
    expect(plainOnTls.message).toMatch(
      /before answering anything; if it expects TLS \(memcached -Z\), turn tls on in the profile \(--tls\)/,
    );
  });

  it("says the handshake did not finish within connectTimeoutMs on a server that never answers", async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((sock) => held.push(sock));
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    try {
      const port = (silent.address() as { port: number }).port;
      const e = await s.pingError(
        s.profile(`memcached://127.0.0.1:${port}`, true, { connectTimeoutMs: 300 }),
      );
      expect(e.message).toMatch(
        /accepted the TCP connection but did not complete the TLS handshake within connectTimeoutMs \(300 ms\)\. If the server does not use TLS on this port \(memcached without -Z\), turn tls off/,
      );
      expect(e.details).toMatchObject({ reason: "tls-handshake-timeout" });
    } finally {
      for (const sock of held) sock.destroy();
      await new Promise((done) => silent.close(done));
    }
  });

  it("says so when a TLS file does not exist", async () => {
    const e = await s.pingError(s.profile(server.url, { ca: "/nonexistent/cachify/ca.pem" }));
    expect(e).toMatchObject({ code: "bad-input", details: { field: "tls.ca" } });
    expect(e.message).toMatch(/tls\.ca: the file \/nonexistent\/cachify\/ca\.pem does not exist/);
  });
});

describe("memcached over TLS: a pool, and client certificates required", () => {
  let a: MemcachedServer;
  let b: MemcachedServer;
  const s = suite();
  beforeAll(async () => {
    a = await startMemcached({ tls: { clientCerts: "require" } });
    b = await startMemcached({ tls: { clientCerts: "require", certs: a.certs! } });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it("uses TLS and the client certificate for every server of the pool", async () => {
    const c = a.certs!;
    const pool = s.profile(`memcached://127.0.0.1:${a.port},localhost:${b.port}`, {
      ca: c.caFile,
      cert: c.clientCertFile,
      key: c.clientKeyFile,
    });
    const keys = Array.from({ length: 40 }, (_, i) => k(`mctls-pool:${process.pid}:${i}`));
    for (const key of keys) await s.g.run(pool, { kind: "set", key, value: key, ttlSeconds: 60 });
    // Both servers got some of the keys, each over TLS with the client certificate.
    const items = async (m: MemcachedServer) =>
      Number(/STAT curr_items (\d+)/.exec(await m.command("stats", "END\r\n"))?.[1]);
    expect(await items(a)).toBeGreaterThan(0);
    expect(await items(b)).toBeGreaterThan(0);
    for (const key of keys) {
      expect(text((await s.g.run(pool, { kind: "get", key })).value)).toBe(text(key));
    }
  });

  it("says to set tls.cert and tls.key when the server demands a client certificate", async () => {
    const e = await s.pingError(s.profile(a.url, { ca: a.certs!.caPem }));
    expect(e.code).toBe("connection");
    expect(e.message).toMatch(/tls\.cert and tls\.key in the profile/);
    expect(e.details).toMatchObject({ field: "tls.cert" });
  });
});
