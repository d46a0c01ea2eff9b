import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MemcachedServer,
  startMemcached,
  startTlsRedis,
  type TlsRedisServer,
} from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

/**
 * TLS from the command line for both engines (issue 16, item 3): profiles added with the --tls-*
 * flags and a CA the harness generates, against redis-server --tls-port and memcached -Z.
 */
describe("cachify profile add --tls-* (real redis-server --tls-port and memcached -Z)", () => {
  const sb = cliSandbox();
  let redis: TlsRedisServer;
  let memcached: MemcachedServer;
  beforeAll(async () => {
    [redis, memcached] = await Promise.all([
      startTlsRedis({ authClients: "yes" }),
      startMemcached({ tls: {} }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), memcached?.stop()]);
    sb.cleanup();
  });

  const roundTrip = async (profile: string) => {
    const set = await sb.run("set", profile, "tls:key", `value of ${profile}`);
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    const get = await sb.run("get", profile, "tls:key", "--json");
    expect(get.code).toBe(0);
    expect(get.json()).toMatchObject({ key: "tls:key", value: `value of ${profile}` });
  };

  it("adds a Redis TLS profile with its CA and client certificate, and sets and gets", async () => {
    const c = redis.certs;
    const add = await sb.run(
      "profile",
      "add",
      "redis-tls",
      "--url",
      `rediss://127.0.0.1:${redis.port}`,
      "--tls-ca",
      c.caFile,
      "--tls-cert",
      c.clientCertFile,
      "--tls-key",
      c.clientKeyFile,
      "--tls-servername",
      "localhost",
    );
    expect(add.stderr).toBe("");
    expect(add.stdout).toMatch(
      /^Added profile "redis-tls" \(rediss:\/\/127\.0\.0\.1:\d+, dev, TLS on, own CA\)\.\n$/,
    );
    await roundTrip("redis-tls");
    const view = (await sb.run("profile", "show", "redis-tls", "--json")).json();
    expect(view).toMatchObject({
      tls: {
        ca: c.caFile,
        cert: c.clientCertFile,
        servername: "localhost",
        rejectUnauthorized: true,
        hasKey: true,
      },
    });
    expect(JSON.stringify(view)).not.toContain(c.clientKeyFile);
  });

  it("adds a Memcached TLS profile with --tls and --tls-ca, and sets and gets", async () => {
    const add = await sb.run(
      "profile",
      "add",
      "mc-tls",
      "--url",
      memcached.url,
      "--tls",
      "--tls-ca",
      memcached.certs!.caFile,
    );
    expect(add.code).toBe(0);
    await roundTrip("mc-tls");
    const show = await sb.run("profile", "show", "mc-tls");
    expect(show.stdout).toMatch(/^tls +on, the server's certificate verified against the CA /m);
    expect(show.stdout).toContain(memcached.certs!.caFile);
    expect(show.stdout).not.toContain("Warning");
  });

  it("without --tls-ca the connection is refused with a message that names the CA", async () => {
    const c = redis.certs;
    expect(
      (
        await sb.run(
          "profile",
          "add",
          "redis-no-ca",
          "--url",
          `rediss://127.0.0.1:${redis.port}`,
          "--tls-cert",
          c.clientCertFile,
          "--tls-key",
          c.clientKeyFile,
        )
      ).code,
    ).toBe(0);
    expect((await sb.run("profile", "add", "mc-no-ca", "--url", memcached.url, "--tls")).code).toBe(
      0,
    );
    for (const name of ["redis-no-ca", "mc-no-ca"]) {
      const get = await sb.run("get", name, "tls:key");
      expect(get.code).toBe(1);
      expect(get.stderr).toMatch(
        /TLS: the server's certificate is not signed by a CA this profile trusts \(self[- ]signed certificate in certificate chain\)\. Set tls\.ca to the CA certificate that issued it;.* On the command line: cachify profile edit NAME --tls-ca FILE\.\n$/,
      );
      const json = await sb.run("get", name, "tls:key", "--json");
      expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "connection" } });
    }
    // The fix the message names works.
    const edit = await sb.run("profile", "edit", "mc-no-ca", "--tls-ca", memcached.certs!.caFile);
    expect(edit.code).toBe(0);
    await roundTrip("mc-no-ca");
  });

  it("flags --tls-skip-verify wherever the profile shows, and still encrypts", async () => {
    const add = await sb.run(
      "profile",
      "add",
      "mc-skip",
      "--url",
      memcached.url,
      "--tls-skip-verify",
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(
      /TLS on, NOT VERIFIED\)\.\nWarning: TLS certificate verification is off/,
    );
    await roundTrip("mc-skip");
    const show = await sb.run("profile", "show", "mc-skip");
    expect(show.stdout).toMatch(
      /tls +on, certificate verification OFF \(--tls-skip-verify\): the server is not authenticated\nWarning: TLS certificate verification is off/,
    );
    const list = await sb.run("profile", "list");
    expect(list.stdout).toMatch(/^NAME +ENV +ACCESS +TLS +URL$/m);
    expect(list.stdout).toMatch(/^mc-skip +dev +read-write +on, NOT VERIFIED +memcached:\/\//m);
    expect(list.stdout).toMatch(/^redis-tls +dev +read-write +on, own CA +rediss:\/\//m);
    const view = (await sb.run("profile", "show", "mc-skip", "--json")).json();
    expect(view).toMatchObject({
      tls: { rejectUnauthorized: false },
      warnings: [expect.stringMatching(/verification is off/)],
    });
  });

  it("refuses bad TLS flags with exit 2 and the flag to correct, saving nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--tls-cert", redis.certs.clientCertFile], /--tls-cert needs --tls-key FILE/],
      [["--tls-key", redis.certs.clientKeyFile], /--tls-key needs --tls-cert FILE/],
      [
        ["--tls-ca", "/nonexistent/ca.pem"],
        /--tls-ca: the file \/nonexistent\/ca\.pem does not exist/,
      ],
      [["--tls-ca", redis.certs.clientKeyFile], /--tls-ca \(the file .*\) holds a PRIVATE KEY/],
      [["--tls-ca", redis.certs.caFile, "--tls-skip-verify"], /--tls-skip-verify turns off/],
    ];
    for (const [args, message] of cases) {
      const r = await sb.run("profile", "add", "bad", "--url", memcached.url, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await sb.run("profile", "show", "bad")).code).toBe(2);
  });
});
