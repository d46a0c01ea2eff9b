import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  freePort,
  makeCertificates,
  type RedisServer,
  respCommand,
  startRedis,
  type TestCertificates,
  waitFor,
} from "../../../../../test/harness/index.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");

describe("test connection API (saved and unsaved profiles)", () => {
  let studio: RunningStudio;
  let own: RedisServer;
  let certs: TestCertificates;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-conn-api-"));
  const certDir = mkdtempSync(join(tmpdir(), "cachify-conn-certs-"));

  const { call } = studioApi(() => studio);
  /** Connections of ours on the password-protected server (the harness logs in itself). */
  const ourConnections = async () =>
    String(await respCommand({ port: own.port, auth: { password: "pw-1" } }, "CLIENT", "LIST"))
      .split("\n")
      .filter((l) => / name=cachify-studio /.test(l)).length;

  beforeAll(async () => {
    own = await startRedis();
    await own.command("CONFIG", "SET", "requirepass", "pw-1");
    certs = makeCertificates(certDir);
    studio = await startStudio({ dataDir, port: 0 });
  });
  afterAll(async () => {
    await studio.close();
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(certDir, { recursive: true, force: true });
  });

  it("tests an unsaved profile through the gate, audits it, stores nothing, keeps no connection", async () => {
    const before = (await call("GET", "/api/profiles"))[1].profiles.length;
    const [status, body] = await call("POST", "/api/connections/test", {
      url: own.url.replace("redis://", "redis://:pw-1@"),
    });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect((await call("GET", "/api/profiles"))[1].profiles).toHaveLength(before);
    const [, history] = await call("GET", "/api/history?limit=5");
    expect(history.events[0]).toMatchObject({
      kind: "ping",
      outcome: "ok",
      origin: "api",
      profileName: "unsaved connection",
      profileId: expect.stringMatching(/^unsaved_/),
    });
    // The transient provider was closed: the server sees no connection of ours left.
    await waitFor(async () => (await ourConnections()) === 0, "the test connection to close");
  });

  it("answers a failed test with the error's status and a message that says what to change", async () => {
    const port = await freePort();
    const [refused, r] = await call("POST", "/api/connections/test", {
      name: "new one",
      url: `redis://127.0.0.1:${port}`,
    });
    expect(refused).toBe(502);
    expect(r.error).toMatchObject({
      code: "connection",
      message: expect.stringMatching(/connection refused\)\. Check that the server is running/),
      details: { reason: "refused", field: "port" },
    });
    const [auth, a] = await call("POST", "/api/connections/test", { url: own.url });
    expect(auth).toBe(502);
    expect(a.error.message).toMatch(/NOAUTH.*Check the username and password/);
    const [bad, b] = await call("POST", "/api/connections/test", { url: "redis://" });
    expect(bad).toBe(400);
    expect(b.error.message).toMatch(/not a connection URL/);
  });

  it("checks TLS files on test and on save: a path that does not exist says so", async () => {
    const body = {
      name: "tls-missing",
      url: "rediss://127.0.0.1:6390",
      tls: { ca: join(certDir, "missing-ca.pem") },
    };
    const [t, tb] = await call("POST", "/api/connections/test", body);
    expect(t).toBe(400);
    expect(tb.error.message).toMatch(/tls\.ca: the file .*missing-ca\.pem does not exist/);
    const [s, sb] = await call("POST", "/api/profiles", body);
    expect(s).toBe(400);
    expect(sb.error.message).toMatch(/does not exist/);
    const [r, rb] = await call("POST", "/api/profiles", {
      ...body,
      tls: { ca: "relative/ca.pem" },
    });
    expect(r).toBe(400);
    expect(rb.error.message).toMatch(/absolute path of a PEM file/);
    // An import file is checked the same way, and imports nothing if one entry fails.
    const file = JSON.stringify({ version: 2, profiles: [{ ...body, name: "imported-tls" }] });
    expect(() => studio.app.profiles.importFile(file)).toThrow(
      /Profile "imported-tls": tls\.ca: the file .*missing-ca\.pem does not exist.*Nothing was imported/,
    );
  });

  it("keeps the private key and sentinel password out of views and plain exports", async () => {
    const [s, view] = await call("POST", "/api/profiles", {
      name: "tls-secrets",
      url: "rediss+sentinel://127.0.0.1:26390/mymaster",
      password: "data-pw",
      sentinelPassword: "sentinel-pw",
      tls: {
        ca: certs.caFile,
        cert: certs.clientCertPem,
        key: certs.clientKeyPem,
        rejectUnauthorized: false,
      },
    });
    expect(s).toBe(201);
    expect(view).toMatchObject({
      hasPassword: true,
      hasSentinelPassword: true,
      tls: { ca: certs.caFile, hasKey: true, rejectUnauthorized: false },
      warnings: [expect.stringMatching(/TLS certificate verification is off/)],
    });
    const shown = JSON.stringify(view);
    expect(shown).not.toContain("PRIVATE KEY");
    expect(shown).not.toContain("sentinel-pw");
    const plain = studio.app.profiles.exportFile(false);
    expect(plain).not.toContain("PRIVATE KEY");
    expect(plain).not.toContain("sentinel-pw");
    const full = studio.app.profiles.exportFile(true);
    expect(full).toContain("PRIVATE KEY");
    expect(full).toContain("sentinel-pw");
  });

  it("tests an edited profile without re-typing its password (basedOn)", async () => {
    const saved = studio.app.profiles.create({
      name: "auth-saved",
      url: servers.redis.url,
      password: "pw-1",
    });
    // The form changed the port to our password-protected server; the password comes from the
    // saved profile.
    const [ok] = await call("POST", "/api/connections/test", {
      basedOn: saved.id,
      port: own.port,
    });
    expect(ok).toBe(200);
    const [wrong, w] = await call("POST", "/api/connections/test", {
      basedOn: saved.name,
      port: own.port,
      password: "nope",
    });
    expect(wrong).toBe(502);
    expect(w.error.message).toMatch(/WRONGPASS/);
    await waitFor(async () => (await ourConnections()) === 0, "the test connections to close");
  });
});
