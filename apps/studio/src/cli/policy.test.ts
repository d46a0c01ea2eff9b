import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");

describe("forced read-only policies (CLI)", () => {
  const sb = cliSandbox();
  const port = servers.redis.port;
  afterAll(() => sb.cleanup());

  it("force-read-only refuses every change with exit 3 whatever the profile says; reads still work", async () => {
    await rawCommand(port, ["SET", "pol:k", "v1"]);
    await sb.run("profile", "add", "team", "--url", servers.redis.url);
    const forced = await sb.run(
      "policy",
      "force-read-only",
      "team",
      "--reason",
      "incident 42",
      "--json",
    );
    expect(forced.code).toBe(0);
    expect((await sb.run("profile", "show", "team", "--json")).json()).toMatchObject({
      readOnly: false,
      forcedReadOnly: true,
      forcedReadOnlyReason: expect.stringContaining("incident 42"),
    });
    const set = await sb.run("set", "team", "pol:k", "v2");
    expect(set.code).toBe(3);
    expect(set.stderr).toMatch(/incident 42/);
    expect((await sb.run("del", "team", "pol:k")).code).toBe(3);
    expect((await sb.run("expire", "team", "pol:k", "10")).code).toBe(3);
    expect(await rawCommand(port, ["GET", "pol:k"])).toBe("$2\r\nv1\r\n");
    expect((await sb.run("get", "team", "pol:k", "--json")).json()).toMatchObject({ value: "v1" });
    expect((await sb.run("keys", "team", "--match", "pol:*")).code).toBe(0);
    const list = (await sb.run("policy", "list", "--json")).json<{
      policies: { profile: string; source: string }[];
    }>();
    expect(list.policies).toEqual([expect.objectContaining({ profile: "team", source: "user" })]);
    expect((await sb.run("policy", "clear", "team")).code).toBe(0);
    expect((await sb.run("set", "team", "pol:k", "v2")).code).toBe(0);
  });

  it("obeys a managed policy file it never writes, and cannot clear it", async () => {
    await sb.run("profile", "add", "live", "--url", servers.redis.url, "--env", "prod");
    const file = join(sb.dataDir, "managed-policy.json");
    const text = JSON.stringify({
      forceReadOnly: { environments: ["prod"], reason: "change freeze" },
    });
    writeFileSync(file, text);
    const del = await sb.run("del", "live", "pol:k", "--confirm", "live");
    expect(del.code).toBe(3);
    expect(del.stderr).toMatch(/change freeze/);
    const clear = await sb.run("policy", "clear", "live");
    expect(clear.code).toBe(3);
    expect(clear.stderr).toMatch(/managed policy file/);
    // Turning the profile's own flag off does not lift a forced policy.
    expect(
      (await sb.run("policy", "list", "--json")).json<{ policies: unknown[] }>().policies,
    ).toHaveLength(1);
    expect(await rawCommand(port, ["EXISTS", "pol:k"])).toBe(":1\r\n");
  });

  it("treats an unreadable managed policy file as read-only for every profile (fail safe)", async () => {
    writeFileSync(join(sb.dataDir, "managed-policy.json"), "{ broken");
    const set = await sb.run("set", "team", "pol:k", "v3");
    expect(set.code).toBe(3);
    expect(set.stderr).toMatch(/managed policy file cannot be read/);
    writeFileSync(join(sb.dataDir, "managed-policy.json"), JSON.stringify({}));
  });
});
