import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, rawCommand, startRedis } from "../../../../test/harness/index.ts";
import { cliSandbox, spawnCli } from "../../../../test/support/cli.ts";

const servers = inject("servers");

describe("cachify CLI (in-process, real Redis and Memcached)", () => {
  const sb = cliSandbox();
  const redisUrl = servers.redis.url;
  afterAll(() => sb.cleanup());

  it("adds, lists, shows (never the password) and removes profiles", async () => {
    const add = await sb.run(
      "profile",
      "add",
      "local",
      "--url",
      `redis://:s3cret-pass@127.0.0.1:${servers.redis.port}`,
      "--json",
    );
    expect(add.code).toBe(0);
    const show = await sb.run("profile", "show", "local", "--json");
    expect(show.code).toBe(0);
    const view = show.json();
    expect(view).toMatchObject({
      name: "local",
      engine: "redis",
      environment: "dev",
      readOnly: false,
      forcedReadOnly: false,
      timeoutMs: 5000,
      retry: { maxAttempts: 1 },
    });
    expect(show.stdout).not.toContain("s3cret-pass");
    expect((await sb.run("profile", "show", "local")).stdout).not.toContain("s3cret-pass");
    const list = await sb.run("profile", "list", "--json");
    expect(list.json<{ profiles: { name: string }[] }>().profiles.map((p) => p.name)).toContain(
      "local",
    );
    expect((await sb.run("profile", "add", "local", "--url", redisUrl)).code).toBe(2);
    expect((await sb.run("profile", "remove", "local")).code).toBe(0);
    const missing = await sb.run("profile", "show", "local", "--json");
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: "not-found" } });
  });

  it("imports a V1 export file, upgrading it with environment dev, timeout 5000, retry off", async () => {
    const file = join(sb.dataDir, "v1.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        profiles: [
          {
            id: "old-1",
            name: "v1-redis",
            engine: "redis",
            host: "127.0.0.1",
            port: servers.redis.port,
            password: "pw",
            db: 2,
            readOnly: true,
          },
          {
            id: "old-2",
            name: "v1-mc",
            engine: "memcached",
            host: "127.0.0.1",
            port: servers.memcached.port,
            readOnly: false,
          },
        ],
      }),
    );
    const r = await sb.run("profile", "import", file, "--json");
    expect(r.code).toBe(0);
    for (const name of ["v1-redis", "v1-mc"]) {
      const v = (await sb.run("profile", "show", name, "--json")).json();
      expect(v).toMatchObject({ environment: "dev", timeoutMs: 5000, retry: { maxAttempts: 1 } });
    }
    expect((await sb.run("profile", "show", "v1-redis", "--json")).json()).toMatchObject({
      readOnly: true,
      db: 2,
      hasPassword: true,
    });
    // Export leaves the password out unless asked.
    const exported = await sb.run("profile", "export");
    expect(exported.stdout).toContain("v1-redis");
    expect(exported.stdout).not.toContain('"pw"');
    expect((await sb.run("profile", "export", "--include-secrets")).stdout).toContain('"pw"');
  });

  it("refuses a malformed import file with a clear message and imports nothing", async () => {
    const file = join(sb.dataDir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        profiles: [
          { name: "ok-one", engine: "redis", host: "h" },
          { name: "bad", engine: "mysql" },
        ],
      }),
    );
    const r = await sb.run("profile", "import", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/#1 \(bad\).*engine.*Nothing was imported/);
    expect((await sb.run("profile", "show", "ok-one")).code).toBe(2);
    writeFileSync(file, "{not json");
    expect((await sb.run("profile", "import", file)).stderr).toMatch(/not valid JSON/);
  });

  it("sets, gets, lists, expires and deletes keys with the cli.md JSON shapes", async () => {
    await sb.run("profile", "add", "dev", "--url", redisUrl);
    expect((await sb.run("set", "dev", "cli:a", "alpha", "--ttl", "100")).code).toBe(0);
    await sb.run("set", "dev", "cli:b", "beta");
    const get = await sb.run("get", "dev", "cli:a", "--json");
    expect(get.json()).toMatchObject({ key: "cli:a", type: "string", value: "alpha" });
    expect(get.json<{ ttl: number }>().ttl).toBeGreaterThan(90);
    const keys = await sb.run("keys", "dev", "--match", "cli:*", "--count", "1000", "--json");
    const page = keys.json<{
      keys: { key: string; type: string; ttl: number }[];
      cursor: string;
      done: boolean;
    }>();
    expect(page).toHaveProperty("cursor");
    expect(page).toHaveProperty("done");
    expect(page.keys.map((k) => k.key).sort()).toEqual(["cli:a", "cli:b"]);
    expect(page.keys.find((k) => k.key === "cli:b")).toMatchObject({ type: "string", ttl: -1 });
    expect((await sb.run("expire", "dev", "cli:b", "50")).code).toBe(0);
    expect(
      (await sb.run("get", "dev", "cli:b", "--json")).json<{ ttl: number }>().ttl,
    ).toBeGreaterThan(40);
    expect((await sb.run("del", "dev", "cli:a", "cli:b", "--json")).json()).toEqual({ deleted: 2 });
    expect((await sb.run("get", "dev", "cli:a", "--json")).json()).toMatchObject({
      type: "none",
      ttl: -2,
    });
  });

  it("handles binary keys through --key-base64", async () => {
    const b64 = Buffer.from([0x62, 0x3a, 0x00, 0xff]).toString("base64");
    expect((await sb.run("set", "dev", "v", "--key-base64", b64)).code).toBe(0);
    const got = (await sb.run("get", "dev", "--key-base64", b64, "--json")).json();
    expect(got).toMatchObject({ key: "b:\\x00\\xff", keyBase64: b64, value: "v" });
    expect((await sb.run("del", "dev", "--key-base64", b64, "--json")).json()).toEqual({
      deleted: 1,
    });
  });

  it("refuses every change on a read-only profile with exit 3 and leaves the key unchanged", async () => {
    await rawCommand(servers.redis.port, ["SET", "ro:key", "original"]);
    await sb.run("profile", "add", "ro", "--url", redisUrl, "--read-only");
    const set = await sb.run("set", "ro", "ro:key", "changed", "--json");
    expect(set.code).toBe(3);
    expect(JSON.parse(set.stderr).error.code).toBe("read-only");
    expect((await sb.run("del", "ro", "ro:key")).code).toBe(3);
    expect((await sb.run("expire", "ro", "ro:key", "5")).code).toBe(3);
    expect(await rawCommand(servers.redis.port, ["GET", "ro:key"])).toBe("$8\r\noriginal\r\n");
    expect(await rawCommand(servers.redis.port, ["TTL", "ro:key"])).toBe(":-1\r\n");
    expect((await sb.run("get", "ro", "ro:key", "--json")).json()).toMatchObject({
      value: "original",
    });
  });

  it("asks for the typed profile name on prod (exit 4), and accepts it", async () => {
    await rawCommand(servers.redis.port, ["SET", "prod:key", "keep"]);
    await sb.run("profile", "add", "prod-main", "--url", redisUrl, "--env", "prod");
    const refused = await sb.run("del", "prod-main", "prod:key");
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('--confirm "prod-main"');
    expect((await sb.run("del", "prod-main", "prod:key", "--confirm", "wrong")).code).toBe(4);
    expect(await rawCommand(servers.redis.port, ["EXISTS", "prod:key"])).toBe(":1\r\n");
    expect((await sb.run("del", "prod-main", "prod:key", "--confirm", "prod-main")).code).toBe(0);
    expect(await rawCommand(servers.redis.port, ["EXISTS", "prod:key"])).toBe(":0\r\n");
  });

  it("works with Memcached and refuses a key with a space before it reaches the socket", async () => {
    await sb.run("profile", "add", "mc", "--url", servers.memcached.url);
    expect((await sb.run("set", "mc", "cli:mc", "hello")).code).toBe(0);
    expect((await sb.run("get", "mc", "cli:mc", "--json")).json()).toMatchObject({
      value: "hello",
      type: "string",
    });
    const bad = await sb.run("set", "mc", "has space", "x", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.message).toMatch(/space/i);
    const listed = await sb.run("keys", "mc", "--match", "cli:*", "--json");
    expect(listed.json<{ keys: { key: string }[] }>().keys.map((k) => k.key)).toContain("cli:mc");
    expect(listed.json()).toHaveProperty("bestEffort");
  });

  it("gives exit 2 with usage for bad input", async () => {
    expect((await sb.run("keys", "dev", "--match", "a[b")).stderr).toMatch(/unclosed/);
    expect((await sb.run("keys", "dev", "--match", "a[b")).code).toBe(2);
    expect((await sb.run("profile", "add", "x", "--url", "http://nope")).code).toBe(2);
    expect((await sb.run("expire", "dev", "k", "soon")).code).toBe(2);
    expect((await sb.run("frobnicate")).code).toBe(2);
    expect((await sb.run("get", "nobody", "k")).code).toBe(2);
  });

  it("records every operation in the timeline, never a value", async () => {
    await sb.run("set", "dev", "cli:secret", "value-must-not-leak-42");
    await sb.run("get", "dev", "cli:secret");
    await sb.run("set", "ro", "cli:secret", "value-must-not-leak-42");
    const tl = await sb.run("timeline", "--json", "--limit", "1000");
    expect(tl.code).toBe(0);
    const events = tl.json<{
      events: { kind: string; profile: string; source: string; message: string; outcome: string }[];
    }>().events;
    expect(events.some((e) => e.kind === "set" && e.profile === "dev" && e.outcome === "ok")).toBe(
      true,
    );
    expect(events.some((e) => e.kind === "get" && e.profile === "dev")).toBe(true);
    expect(
      events.some((e) => e.kind === "set" && e.profile === "ro" && e.outcome === "refused"),
    ).toBe(true);
    expect(events.every((e) => e.source === "app")).toBe(true);
    expect(tl.stdout).not.toContain("value-must-not-leak-42");
  });
});

describe("cachify binary against a paused server", () => {
  let server: RedisServer;
  const sb = cliSandbox();
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    server.process.resume();
    await server.stop();
    sb.cleanup();
  });

  it("exits 5 within the profile timeout plus 1 s when the server is stopped with SIGSTOP", async () => {
    const env = { CACHIFY_HOME: sb.dataDir };
    expect(
      (
        await spawnCli(
          ["profile", "add", "frozen", "--url", server.url, "--timeout-ms", "1000"],
          env,
        )
      ).code,
    ).toBe(0);
    expect((await spawnCli(["set", "frozen", "k", "v"], env)).code).toBe(0);
    server.process.pause();
    const r = await spawnCli(["get", "frozen", "k", "--json"], env);
    server.process.resume();
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stderr).error.code).toBe("timeout");
    // Process start-up is included in this figure, as a user would measure it.
    expect(r.elapsedMs).toBeLessThan(1000 + 1000);
    const tl = await spawnCli(["timeline", "--json", "--profile", "frozen"], env);
    expect(tl.json<{ events: { kind: string; outcome: string }[] }>().events[0]).toMatchObject({
      kind: "get",
      outcome: "timeout",
    });
  });
});
