import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { cliSandbox, spawnCli } from "../support/cli.ts";

const servers = inject("servers");

describe("a corrupt store file", () => {
  const sb = cliSandbox();
  afterAll(() => sb.cleanup());

  it("is kept aside, the user is told where, and the CLI carries on with a fresh store", async () => {
    expect((await sb.run("profile", "add", "before", "--url", servers.redis.url)).code).toBe(0);
    const garbage = Buffer.from("this is not a database, but it is the user's file\n".repeat(100));
    writeFileSync(join(sb.dataDir, "cachify.db"), garbage);
    const r = await spawnCli(["profile", "list", "--json"], { CACHIFY_HOME: sb.dataDir });
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ profiles: [] });
    expect(r.stderr).toMatch(/data file was unreadable.*kept as .*cachify\.db\.corrupt-/);
    const aside = readdirSync(sb.dataDir).find((f) => f.startsWith("cachify.db.corrupt-"));
    expect(aside).toBeDefined();
    expect(readFileSync(join(sb.dataDir, aside!)).equals(garbage)).toBe(true);
    // The next run is quiet: the fresh store is fine.
    const again = await spawnCli(["profile", "list"], { CACHIFY_HOME: sb.dataDir });
    expect(again.stderr).toBe("");
    expect(existsSync(join(sb.dataDir, "cachify.db"))).toBe(true);
  });
});
