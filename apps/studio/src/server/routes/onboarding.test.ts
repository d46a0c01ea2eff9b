import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort, type RedisServer, startRedis } from "../../../../../test/harness/index.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");

describe("onboarding API: detection and connection imports", () => {
  let studio: RunningStudio;
  let locked: RedisServer;
  let nobody = 0;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-onboarding-"));

  const { call } = studioApi(() => studio);
  const names = async () =>
    (await call("GET", "/api/profiles"))[1].profiles.map((p: { name: string }) => p.name).sort();

  beforeAll(async () => {
    locked = await startRedis();
    await locked.command("CONFIG", "SET", "requirepass", "pw-onboarding");
    nobody = await freePort();
    studio = await startStudio({
      dataDir,
      port: 0,
      collector: false,
      // The hints a developer's shell would carry, pointing at the harness's servers.
      onboarding: {
        env: {
          REDIS_URL: servers.redis.url,
          MEMCACHED_SERVERS: `${servers.memcached.host}:${servers.memcached.port}`,
        },
      },
    });
  });
  afterAll(async () => {
    await studio.close();
    await locked.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finds Redis and Memcached from the hints, through the gate, with engine, version and address", async () => {
    const started = Date.now();
    const [status, body] = await call("POST", "/api/onboarding/detect", {
      addresses: [
        `127.0.0.1:${nobody}`,
        `127.0.0.1:${locked.port}`,
        // Memcached on a port that is not its own: the Redis probe hears "not Redis", then
        // the Memcached probe finds it.
        `127.0.0.1:${servers.memcached.port}`,
      ],
      timeoutMs: 500,
    });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(4000);
    // biome-ignore lint/suspicious/noExplicitAny: JSON
    const at = (port: number) => body.candidates.filter((c: any) => c.port === port);
    const redis = at(servers.redis.port);
    expect(redis).toHaveLength(1);
    expect(redis[0]).toMatchObject({
      engine: "redis",
      status: "found",
      source: "REDIS_URL",
      address: `127.0.0.1:${servers.redis.port}`,
      url: `redis://127.0.0.1:${servers.redis.port}`,
      suggestedName: `local redis ${servers.redis.port}`,
    });
    expect(redis[0].version).toMatch(/^\d+\.\d+\.\d+/);
    expect(redis[0].latencyMs).toBeGreaterThanOrEqual(0);
    // The hint and the typed address are the same server: probed once.
    const mc = at(servers.memcached.port);
    expect(mc).toHaveLength(1);
    expect(mc[0]).toMatchObject({
      engine: "memcached",
      status: "found",
      source: "MEMCACHED_SERVERS",
    });
    expect(mc[0].version).toMatch(/^\d+\.\d+/);
    expect(at(nobody)[0]).toMatchObject({ status: "not-found", reason: "refused" });
    expect(at(locked.port)[0]).toMatchObject({ engine: "redis", status: "auth-required" });
    // The default ports are always looked at.
    expect(at(6379)[0]?.source).toBe("default port");
    expect(at(11211)[0]?.source).toBe("default port");
    // The same short words for both engines (nothing listens on the free port).
    const [mcNobody] = (
      await call("POST", "/api/onboarding/detect", {
        addresses: [`memcached://127.0.0.1:${nobody}`],
      })
    )[1].candidates.filter((c: { port: number }) => c.port === nobody);
    expect(mcNobody).toMatchObject({ engine: "memcached", status: "not-found", reason: "refused" });
    // Each probe went through the gate: audited under an unsaved id, never a saved profile.
    const history = studio.app.history.list({ limit: 100 });
    const probes = history.filter((e) => e.profileId?.startsWith("unsaved"));
    expect(probes.some((e) => e.kind === "ping" && e.outcome === "ok")).toBe(true);
    expect(probes.some((e) => e.kind === "stats" && e.outcome === "ok")).toBe(true);
    expect(await names()).toEqual([]);
  });

  it("names a server already saved, and suggests a free name", async () => {
    const [created] = await call("POST", "/api/profiles", {
      name: `local redis ${servers.redis.port}`,
      url: servers.redis.url,
    });
    expect(created).toBe(201);
    const [, body] = await call("POST", "/api/onboarding/detect", {});
    // biome-ignore lint/suspicious/noExplicitAny: JSON
    const redis = body.candidates.find((c: any) => c.port === servers.redis.port);
    expect(redis.existing.name).toBe(`local redis ${servers.redis.port}`);
    expect(redis.suggestedName).toBe(`local redis ${servers.redis.port} (2)`);
    await call(
      "DELETE",
      `/api/profiles/${encodeURIComponent(`local redis ${servers.redis.port}`)}`,
    );
  });

  it("refuses a bad detect request with a message naming the field", async () => {
    const [status, body] = await call("POST", "/api/onboarding/detect", { timeoutMs: 5 });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/timeoutMs/);
  });

  it("imports a RedisInsight export whole, a dry run stores nothing, and the profiles connect", async () => {
    const content = JSON.stringify([
      {
        id: "x1",
        host: "127.0.0.1",
        port: servers.redis.port,
        name: "ri-local",
        db: 0,
        connectionType: "STANDALONE",
      },
      { id: "x2", host: "127.0.0.1", port: servers.redis.port, name: "ri-db1", db: 1 },
    ]);
    const [dry, preview] = await call("POST", "/api/profiles/import", {
      content,
      environment: "staging",
      dryRun: true,
    });
    expect(dry).toBe(200);
    expect(preview).toMatchObject({ format: "redisinsight", imported: false });
    // biome-ignore lint/suspicious/noExplicitAny: JSON
    expect(preview.profiles.map((p: any) => [p.name, p.environment])).toEqual([
      ["ri-local", "staging"],
      ["ri-db1", "staging"],
    ]);
    expect(await names()).toEqual([]);

    const [status, body] = await call("POST", "/api/profiles/import", {
      content,
      environment: "staging",
    });
    expect(status).toBe(201);
    expect(body.imported).toBe(true);
    expect(body.formatLabel).toBe("RedisInsight database export");
    expect(await names()).toEqual(["ri-db1", "ri-local"]);
    const [tested, ping] = await call("POST", `/api/profiles/${body.profiles[0].id}/test`);
    expect(tested).toBe(200);
    expect(ping.ok).toBe(true);

    // The same file again: the names are taken, and nothing of it is stored a second time.
    const [again, refused] = await call("POST", "/api/profiles/import", { content });
    expect(again).toBe(400);
    expect(refused.error.message).toMatch(/ri-local, ri-db1.*Nothing was imported/);
    expect(await names()).toEqual(["ri-db1", "ri-local"]);
  });

  it("imports an Another Redis Desktop Manager .ano file and a URL list; a V1 file as before", async () => {
    const ano = Buffer.from(
      JSON.stringify([
        { host: "127.0.0.1", port: servers.redis.port, auth: "", name: "ardm-one", key: "k1" },
      ]),
    ).toString("base64");
    const [s1, b1] = await call("POST", "/api/profiles/import", { content: ano });
    expect(s1).toBe(201);
    expect(b1.format).toBe("ardm");
    expect(b1.profiles[0]).toMatchObject({
      name: "ardm-one",
      environment: "dev",
      hasPassword: false,
    });

    const urls = `# team caches\nurl-redis ${servers.redis.url}\n${servers.memcached.url}\n`;
    const [s2, b2] = await call("POST", "/api/profiles/import", {
      content: urls,
      environment: "prod",
    });
    expect(s2).toBe(201);
    // biome-ignore lint/suspicious/noExplicitAny: JSON
    expect(b2.profiles.map((p: any) => [p.name, p.engine, p.environment])).toEqual([
      ["url-redis", "redis", "prod"],
      [`127.0.0.1:${servers.memcached.port}`, "memcached", "prod"],
    ]);

    const v1 = JSON.stringify({
      version: 1,
      profiles: [{ name: "v1-one", url: servers.redis.url }],
    });
    const [s3, b3] = await call("POST", "/api/profiles/import", {
      content: v1,
      environment: "prod",
    });
    expect(s3).toBe(201);
    // A V1 file upgrades as the CLI does it: environment dev whatever the form says.
    expect(b3.profiles[0]).toMatchObject({ name: "v1-one", environment: "dev" });
  });

  it("refuses a malformed file naming the problem, with nothing half-imported", async () => {
    const before = await names();
    const cases: [string, RegExp][] = [
      ["{not json", /not valid JSON/],
      ["just some words", /not one we can read/],
      [
        JSON.stringify([
          { host: "127.0.0.1", port: 6379, name: "good-one", connectionType: "STANDALONE" },
          { host: "127.0.0.1", port: 70000, name: "bad-port", connectionType: "STANDALONE" },
        ]),
        /entry 2 \(bad-port\): port must be a whole number from 1 to 65535/,
      ],
      [`redis://127.0.0.1:6379\nftp://files.example.com\n`, /line 2: Unknown scheme "ftp:"/],
    ];
    for (const [content, message] of cases) {
      const [status, body] = await call("POST", "/api/profiles/import", { content });
      expect(status).toBe(400);
      expect(body.error.code).toBe("bad-input");
      expect(body.error.message).toMatch(message);
      expect(body.error.message).toMatch(/Nothing was imported\.$/);
    }
    expect(await names()).toEqual(before);
  });
});
