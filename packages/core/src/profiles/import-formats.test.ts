import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { parseConnectionsFile } from "./import-formats.ts";

const PEM_CA =
  "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY2FjaGlmeQ==\n-----END CERTIFICATE-----\n";

function failure(text: string): CachifyError {
  try {
    parseConnectionsFile(text);
  } catch (e) {
    if (e instanceof CachifyError) return e;
    throw e;
  }
  throw new Error("expected the file to be refused");
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("connection files of other tools and URL lists", () => {
  it("reads a V1 Cachify export unchanged (environment dev, retry off)", () => {
    const r = parseConnectionsFile(
      JSON.stringify({ version: 1, profiles: [{ name: "v1", url: "redis://10.0.0.1:6380/2" }] }),
      { environment: "prod" },
    );
    expect(r.format).toBe("cachify");
    expect(r.version).toBe(1);
    const p = r.profiles[0]!;
    expect([p.name, p.host, p.port, p.db, p.environment]).toEqual([
      "v1",
      "10.0.0.1",
      6380,
      2,
      "dev",
    ]);
    expect(p.retry.maxAttempts).toBe(1);
  });

  it("reads RedisInsight's database export: standalone, cluster, sentinel, TLS with PEM text", () => {
    const file = [
      {
        id: "a1",
        host: "10.1.0.5",
        port: 6379,
        name: "orders",
        db: 3,
        username: "app",
        password: "pw",
        connectionType: "STANDALONE",
        provider: "LOCALHOST",
        compressor: "GZIP",
      },
      { id: "a2", host: "10.1.0.6", port: 7000, name: "cluster one", connectionType: "CLUSTER" },
      {
        id: "a3",
        host: "10.1.0.7",
        port: 26379,
        name: "ha",
        password: "sentinel-pw",
        connectionType: "SENTINEL",
        sentinelMaster: { name: "mymaster", password: "node-pw" },
      },
      {
        id: "a4",
        host: "secure.example.com",
        port: 6380,
        name: "secure",
        tls: true,
        verifyServerCert: false,
        tlsServername: "redis.example.com",
        caCert: { id: "c", name: "ca", certificate: PEM_CA },
      },
      { id: "a5", host: "10.1.0.9", port: 6379, connectionType: "NOT CONNECTED" },
    ];
    const r = parseConnectionsFile(JSON.stringify(file), { environment: "staging" });
    expect(r.format).toBe("redisinsight");
    const [orders, cluster, ha, secure, unnamed] = r.profiles;
    expect(orders).toMatchObject({
      name: "orders",
      engine: "redis",
      mode: "standalone",
      host: "10.1.0.5",
      db: 3,
      username: "app",
      password: "pw",
      environment: "staging",
    });
    expect(cluster).toMatchObject({ mode: "cluster", nodes: [{ host: "10.1.0.6", port: 7000 }] });
    expect(ha).toMatchObject({
      mode: "sentinel",
      sentinelMaster: "mymaster",
      sentinelPassword: "sentinel-pw",
      password: "node-pw",
      nodes: [{ host: "10.1.0.7", port: 26379 }],
    });
    expect(secure?.tls).toEqual({
      rejectUnauthorized: false,
      ca: PEM_CA,
      servername: "redis.example.com",
    });
    expect(unnamed?.name).toBe("10.1.0.9:6379");
    expect(r.notes.join(" ")).toMatch(/GZIP/);
  });

  it("reads Another Redis Desktop Manager's .ano (base64) in both of its shapes", () => {
    const connections = [
      {
        host: "127.0.0.1",
        port: "6379",
        auth: "secret",
        username: "",
        name: "local",
        separator: ":",
        cluster: false,
        connectionReadOnly: true,
        key: "1700000000_abcde",
        order: 1,
      },
      {
        host: "10.2.0.1",
        port: 26379,
        auth: "sentinel-pw",
        name: "sentinels",
        sentinelOptions: { masterName: "main", nodePassword: "node-pw" },
      },
      { host: "10.2.0.2", port: 7001, name: "shards", cluster: true },
      { host: "10.2.0.3", port: 6380, name: "ssl", sslOptions: { servername: "cache.internal" } },
    ];
    for (const doc of [connections, { connections, groups: [] }]) {
      const r = parseConnectionsFile(`${b64(JSON.stringify(doc))}\n`);
      expect(r.format).toBe("ardm");
      const [local, sentinels, shards, ssl] = r.profiles;
      expect(local).toMatchObject({
        name: "local",
        port: 6379,
        password: "secret",
        readOnly: true,
        environment: "dev",
      });
      expect(local?.username).toBeUndefined();
      expect(sentinels).toMatchObject({
        mode: "sentinel",
        sentinelMaster: "main",
        sentinelPassword: "sentinel-pw",
        password: "node-pw",
      });
      expect(shards).toMatchObject({ mode: "cluster" });
      expect(ssl?.tls).toEqual({ rejectUnauthorized: true, servername: "cache.internal" });
    }
    // The decoded JSON is read as well.
    expect(parseConnectionsFile(JSON.stringify(connections)).format).toBe("ardm");
  });

  it("reads a list of URLs, named or not, with comments; repeated names get a suffix", () => {
    const r = parseConnectionsFile(
      [
        "# our caches",
        "redis://127.0.0.1:6379",
        "",
        "sessions rediss://:pw@cache.example.com:6380/1",
        "memcached://10.0.0.9:11211,10.0.0.10:11211",
        "redis://127.0.0.1:6379",
      ].join("\r\n"),
      { environment: "prod" },
    );
    expect(r.format).toBe("url-list");
    expect(r.profiles.map((p) => [p.name, p.engine, p.environment])).toEqual([
      ["127.0.0.1:6379", "redis", "prod"],
      ["sessions", "redis", "prod"],
      ["10.0.0.9:11211,10.0.0.10:11211", "memcached", "prod"],
      ["127.0.0.1:6379 (2)", "redis", "prod"],
    ]);
    expect(r.profiles[1]).toMatchObject({
      password: "pw",
      db: 1,
      tls: { rejectUnauthorized: true },
    });
  });

  it("refuses a malformed file whole, naming each problem", () => {
    expect(failure("").message).toMatch(/^The file is empty/);
    expect(failure("[{").message).toMatch(/^The file is not valid JSON .*Nothing was imported\.$/);
    expect(failure("[]").message).toMatch(/lists no connections/);
    expect(failure('{"hello": 1}').message).toMatch(/not a file we know/);
    expect(failure("hello world").message).toMatch(/not one we can read/);
    expect(failure("bm90IGpzb24=").message).toMatch(/looks like base64/);

    const urls = failure("redis://ok:6379\nnot a url\nredis://bad:99999\n");
    expect(urls.code).toBe("bad-input");
    expect(urls.message).toMatch(/^2 entries of this list of connection URLs cannot be imported/);
    expect(urls.message).toMatch(/line 2: "not a url" is not a connection URL/);
    expect(urls.message).toMatch(/line 3: Port 99999/);
    expect(urls.message).toMatch(/Nothing was imported\.$/);

    const ri = failure(
      JSON.stringify([
        { host: "10.0.0.1", port: 6379, name: "fine", connectionType: "STANDALONE" },
        { host: "10.0.0.2", port: 6379, name: "tunnelled", ssh: true, sshOptions: { host: "b" } },
        { host: "10.0.0.3", port: "many", name: "typo", connectionType: "STANDALONE" },
        "text",
      ]),
    );
    expect(ri.message).toMatch(/^3 entries of this RedisInsight database export/);
    expect(ri.message).toMatch(/entry 2 \(tunnelled\): uses an SSH tunnel/);
    expect(ri.message).toMatch(/entry 3 \(typo\): port must be a whole number/);
    expect(ri.message).toMatch(/entry 4: not an object/);
    expect(ri.details?.errors).toHaveLength(3);

    const v1 = failure(JSON.stringify({ version: 1, profiles: [{ name: "x" }] }));
    expect(v1.message).toMatch(/invalid.*Nothing was imported/);
  });
});
