import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../../test/harness/index.ts";

const servers = inject("servers");

describe("server info routes (INFO, keyspace, slow log, command classes)", () => {
  let studio: RunningStudio;
  let own: RedisServer;
  let dev = "";
  let staging = "";
  let mc = "";
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-info-"));

  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
  async function get(url: string): Promise<[number, any]> {
    const res = await fetch(`http://127.0.0.1:${studio.port}${url}`, {
      headers: { authorization: `Bearer ${studio.token}` },
    });
    return [res.status, await res.json()];
  }

  beforeAll(async () => {
    // A server of our own: the slow log test logs every command, which must not touch the shared one.
    own = await startRedis();
    await own.command("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await own.command("SET", "slow:key", "a secret value");
    studio = await startStudio({ dataDir, port: 0 });
    const profiles = studio.app.profiles;
    dev = profiles.create({ name: "info-dev", url: own.url }).id;
    staging = profiles.create({
      name: "info-staging",
      url: servers.redis.url,
      environment: "staging",
    }).id;
    mc = profiles.create({ name: "info-mc", url: servers.memcached.url }).id;
  });
  afterAll(async () => {
    await studio.close();
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("groups INFO fields by section and lists keys per database", async () => {
    const [s, info] = await get(`/api/profiles/${dev}/server-info`);
    expect(s).toBe(200);
    expect(info).toMatchObject({
      engine: "redis",
      version: expect.stringMatching(/^\d+\./),
      db: 0,
    });
    const section = (name: string) =>
      Object.fromEntries(
        (info.sections as { name: string; fields: [string, string][] }[]).find(
          (x) => x.name === name,
        )?.fields ?? [],
      );
    expect(section("Server").redis_version).toBe(info.version);
    expect(section("Clients").connected_clients).toMatch(/^\d+$/);
    expect(section("Memory").used_memory).toMatch(/^\d+$/);
    expect(section("Stats").keyspace_hits).toMatch(/^\d+$/);
    expect(section("Replication").role).toBe("master");
    expect(info.sections.map((x: { name: string }) => x.name).slice(0, 3)).toEqual([
      "Server",
      "Clients",
      "Memory",
    ]);
    expect(info.keyspace).toEqual([{ db: 0, keys: 1, expires: 0, avgTtlMs: 0 }]);
  });

  it("reads the slow log with values redacted", async () => {
    const [s, { entries }] = await get(`/api/profiles/${dev}/slowlog?count=100`);
    expect(s).toBe(200);
    const set = entries.find((e: { command: string[] }) => e.command[0] === "SET");
    expect(set.command).toEqual(["SET", "slow:key", "<14 bytes>"]);
    expect(set).toMatchObject({ durationMicros: expect.any(Number), ts: expect.any(Number) });
    expect(JSON.stringify(entries)).not.toContain("secret");
  });

  it("classifies a console command from the server's command table before it runs", async () => {
    expect((await get(`/api/profiles/${staging}/command-class?command=get`))[1]).toMatchObject({
      command: "get",
      class: "read",
      guard: "none",
      readOnly: false,
    });
    expect((await get(`/api/profiles/${staging}/command-class?command=SET`))[1]).toMatchObject({
      class: "write",
      guard: "confirm",
    });
    expect((await get(`/api/profiles/${dev}/command-class?command=FLUSHDB`))[1]).toMatchObject({
      guard: "plan-required",
    });
    expect((await get(`/api/profiles/${dev}/command-class?command=nosuchcmd`))[1]).toMatchObject({
      class: "admin",
      reason: expect.stringMatching(/unknown/),
    });
  });

  it("gives Memcached stats, its capabilities, and a capability error for the slow log", async () => {
    const [s, info] = await get(`/api/profiles/${mc}/server-info`);
    expect(s).toBe(200);
    expect(info.engine).toBe("memcached");
    expect(info.sections[0].name).toBe("Stats");
    expect(Object.fromEntries(info.sections[0].fields).curr_connections).toMatch(/^\d+$/);
    const [slow, e] = await get(`/api/profiles/${mc}/slowlog`);
    expect(slow).toBe(422);
    expect(e.error.message).toMatch(/no slow log/);
    const [, caps] = await get(`/api/profiles/${mc}/capabilities`);
    expect(caps).toMatchObject({
      engine: "memcached",
      types: ["string"],
      keyListing: "best-effort",
    });
  });
});
