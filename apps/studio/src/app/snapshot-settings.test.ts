import { afterAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const redis = (args: string[]) => rawCommand(servers.redis.port, args);

interface Settings {
  retentionDays: number;
  maxTotalMb: number;
  sensitive: { pattern: string; snapshot: boolean }[];
}

describe("snapshot settings: sensitive key patterns and retention (CLI, real Redis)", () => {
  const sb = cliSandbox();
  const p = "snapset:";
  afterAll(() => sb.cleanup());

  /** A dry-run of deleting every key of this test. */
  const planAll = () =>
    sb.run(
      "workflow",
      "plan",
      "delete-by-pattern",
      "--profile",
      "ss",
      "--param",
      `pattern=${p}*`,
      "--json",
    );

  const snapshotted = async (key: string) =>
    (await sb.run("rollback", "list", "--profile", "ss", "--key", key, "--json")).json<{
      snapshots: unknown[];
    }>().snapshots.length;

  it("does not snapshot values of sensitive keys unless opted in, and says so in the dry-run", async () => {
    expect((await sb.run("profile", "add", "ss", "--url", servers.redis.url)).code).toBe(0);
    const set = await sb.run("rollback", "settings", "--sensitive", `${p}secret:*`, "--json");
    expect(set.code, set.stderr).toBe(0);
    expect(set.json<Settings>().sensitive).toEqual([{ pattern: `${p}secret:*`, snapshot: false }]);

    await redis(["SET", `${p}secret:1`, "token-value"]);
    await redis(["SET", `${p}plain:1`, "plain-value"]);
    expect((await sb.run("del", "ss", `${p}secret:1`, `${p}plain:1`)).code).toBe(0);
    expect(await snapshotted(`${p}plain:1`)).toBe(1);
    expect(await snapshotted(`${p}secret:1`)).toBe(0);

    for (let i = 0; i < 5; i++) await redis(["SET", `${p}secret:${i}`, "t"]);
    for (let i = 0; i < 7; i++) await redis(["SET", `${p}plain:${i}`, "v"]);
    const plan = await planAll();
    expect(plan.code, plan.stderr).toBe(0);
    const view = plan.json<{ rollback: string; rollbackReason: string }>();
    expect(view.rollback).toBe("partial");
    expect(view.rollbackReason).toMatch(
      /5 of 12 keys match sensitive key patterns \(snapset:secret:\*\)/,
    );

    // Opted in: the same key is snapshotted, and a dry-run covers everything.
    const optIn = await sb.run("rollback", "settings", "--opt-in", `${p}secret:*`, "--json");
    expect(optIn.json<Settings>().sensitive).toEqual([{ pattern: `${p}secret:*`, snapshot: true }]);
    expect((await sb.run("del", "ss", `${p}secret:2`)).code).toBe(0);
    expect(await snapshotted(`${p}secret:2`)).toBe(1);
    const again = await planAll();
    expect(again.json<{ rollback: string }>().rollback).toBe("full");
  });

  it("changes retention, and refuses bad settings with a message that names the field", async () => {
    const r = await sb.run(
      "rollback",
      "settings",
      "--retention-days",
      "3",
      "--max-size-mb",
      "64",
      "--json",
    );
    expect(r.json<Settings>()).toMatchObject({ retentionDays: 3, maxTotalMb: 64 });
    const shown = await sb.run("rollback", "settings");
    expect(shown.stdout).toMatch(/kept 3 days, at most 64 MB/);

    const zero = await sb.run("rollback", "settings", "--retention-days", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/retentionDays must be a whole number from 1 to 365/);
    const bad = await sb.run("rollback", "settings", "--sensitive", "session:[abc");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Sensitive pattern 1: .*\[/);
    // Nothing half-written: the refused calls left the settings as they were.
    const after = (await sb.run("rollback", "settings", "--json")).json<Settings>();
    expect(after).toMatchObject({ retentionDays: 3, maxTotalMb: 64 });
    expect(after.sensitive).toEqual([{ pattern: `${p}secret:*`, snapshot: true }]);
  });
});
