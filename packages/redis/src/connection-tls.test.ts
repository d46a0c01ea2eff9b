import { profileView } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTlsRedis, type TlsRedisServer } from "../../../test/harness/index.ts";
import { gateSuite } from "../../../test/support/redis-connection.ts";
import { checkTlsFiles } from "./tls-files.ts";

const servers = inject("servers");

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
