import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const P = `wfcli${process.pid}:`;
const redis = (...args: string[]) => rawCommand(servers.redis.port, args);

describe("cachify workflow / history (cli.md shapes and exit codes)", () => {
  const sb = cliSandbox();
  afterAll(() => sb.cleanup());

  it("plan, apply, history list/show, rerun with edits", async () => {
    expect((await sb.run("profile", "add", "wfc", "--url", servers.redis.url)).code).toBe(0);
    for (let i = 0; i < 12; i++) await redis("SET", `${P}a:${i}`, "v");
    for (let i = 0; i < 3; i++) await redis("SET", `${P}b:${i}`, "v");
    const tpl = await sb.run("workflow", "templates", "--json");
    expect(tpl.code).toBe(0);
    expect(tpl.json<{ templates: { name: string }[] }>().templates.map((t) => t.name)).toEqual([
      "delete-by-pattern",
      "ttl-normalize",
      "warmup-set",
    ]);
    const plan = await sb.run(
      "workflow",
      "plan",
      "delete-by-pattern",
      "--profile",
      "wfc",
      "--param",
      `pattern=${P}a:*`,
      "--page",
      "2",
      "--page-size",
      "5",
      "--json",
    );
    expect(plan.code).toBe(0);
    const p = plan.json<Record<string, unknown> & { items: Record<string, unknown>[] }>();
    expect(p).toMatchObject({
      template: "delete-by-pattern",
      profile: "wfc",
      matched: 12,
      complete: true,
      page: 2,
      pageSize: 5,
      rollback: "full",
    });
    expect(p.items).toHaveLength(5);
    expect(p.items[0]).toMatchObject({ type: "string", ttl: -1, change: "delete" });
    expect(typeof p.items[0]!.key).toBe("string");
    // Without the count: exit 4, nothing changed.
    const refused = await sb.run("workflow", "apply", String(p.planId), "--json");
    expect(refused.code).toBe(4);
    expect(JSON.parse(refused.stderr).error.code).toBe("confirmation-required");
    expect(await redis("EXISTS", `${P}a:0`)).toBe(":1\r\n");
    const wrong = await sb.run("workflow", "apply", String(p.planId), "--confirm-count", "11");
    expect(wrong.code).toBe(4);
    const applied = await sb.run(
      "workflow",
      "apply",
      String(p.planId),
      "--confirm-count",
      "12",
      "--json",
    );
    expect(applied.code).toBe(0);
    const a = applied.json<{ executionId: string }>();
    expect(a).toMatchObject({ status: "succeeded", processed: 12, failed: 0 });
    expect(await redis("EXISTS", `${P}a:0`)).toBe(":0\r\n");
    const list = (await sb.run("history", "list", "--json")).json<{
      executions: Record<string, unknown>[];
    }>();
    expect(list.executions[0]).toMatchObject({
      executionId: a.executionId,
      template: "delete-by-pattern",
      profile: "wfc",
      status: "succeeded",
      processed: 12,
      parentExecutionId: null,
    });
    expect(list.executions[0]!.startedAt).toEqual(expect.any(Number));
    const show = await sb.run("history", "show", String(a.executionId), "--json");
    expect(show.json()).toMatchObject({
      executionId: a.executionId,
      steps: [{ name: "apply", status: "succeeded" }],
      attempts: [{ outcome: "ok", attempt: 1 }],
    });
    const rerun = await sb.run(
      "history",
      "rerun",
      String(a.executionId),
      "--param",
      `pattern=${P}b:*`,
      "--json",
    );
    expect(rerun.code).toBe(0);
    const r = rerun.json<{ planId: string }>();
    expect(r).toMatchObject({
      matched: 3,
      parentExecutionId: a.executionId,
      rerunKind: "rerun-with-edits",
      paramsDiff: [{ param: "pattern", from: `${P}a:*`, to: `${P}b:*` }],
    });
    // The rerun never runs by itself.
    expect(await redis("EXISTS", `${P}b:0`)).toBe(":1\r\n");
    const human = await sb.run("workflow", "show", String(r.planId));
    expect(human.stdout).toMatch(/3 key\(s\) would change/);
    expect(human.stdout).toMatch(/--confirm-count 3/);
  });

  it("prod needs the name, read-only exits 3, an aborted workflow exits 1", async () => {
    await sb.run("profile", "add", "wfc-prod", "--url", servers.redis.url, "--env", "prod");
    await sb.run("profile", "add", "wfc-ro", "--url", servers.redis.url);
    await sb.run("policy", "force-read-only", "wfc-ro");
    await redis("SET", `${P}p:1`, "v");
    const plan = (
      await sb.run(
        "workflow",
        "plan",
        "delete-by-pattern",
        "--profile",
        "wfc-prod",
        "--param",
        `pattern=${P}p:*`,
        "--json",
      )
    ).json<{ planId: string }>();
    expect((await sb.run("workflow", "apply", plan.planId, "--confirm-count", "1")).code).toBe(4);
    expect(
      (await sb.run("workflow", "apply", plan.planId, "--confirm-count", "1", "--confirm", "nope"))
        .code,
    ).toBe(4);
    expect(await redis("EXISTS", `${P}p:1`)).toBe(":1\r\n");
    const ro = await sb.run(
      "workflow",
      "plan",
      "delete-by-pattern",
      "--profile",
      "wfc-ro",
      "--param",
      `pattern=${P}p:*`,
      "--json",
    );
    expect(ro.code).toBe(0);
    expect(
      (
        await sb.run(
          "workflow",
          "apply",
          ro.json<{ planId: string }>().planId,
          "--confirm-count",
          "1",
        )
      ).code,
    ).toBe(3);
    expect(await redis("EXISTS", `${P}p:1`)).toBe(":1\r\n");
    // Drift abort: the keys were deleted after the dry-run.
    for (let i = 0; i < 10; i++) await redis("SET", `${P}x:${i}`, "v");
    const dp = (
      await sb.run(
        "workflow",
        "plan",
        "delete-by-pattern",
        "--profile",
        "wfc",
        "--param",
        `pattern=${P}x:*`,
        "--policy",
        "abort.maxMatchedDrift=0.1",
        "--json",
      )
    ).json<{ planId: string }>();
    for (let i = 0; i < 10; i++) await redis("DEL", `${P}x:${i}`);
    const aborted = await sb.run("workflow", "apply", dp.planId, "--confirm-count", "10", "--json");
    expect(aborted.code).toBe(1);
    expect(aborted.json()).toMatchObject({ status: "aborted" });
    expect(JSON.parse(aborted.stderr).error.message).toMatch(/drifted/);
  });

  it("warm-up from a CSV file, saved templates and bad input (exit 2)", async () => {
    const file = join(sb.dataDir, "warm.csv");
    writeFileSync(file, `key,value,ttlSeconds\n${P}w:1,"a,b",60\n${P}w:2,plain,\n`);
    const saved = await sb.run(
      "workflow",
      "template",
      "save",
      `${P}warm`,
      "--from",
      "warmup-set",
      "--param",
      `file=${file}`,
      "--param",
      "condition=if-absent",
      "--json",
    );
    expect(saved.code).toBe(0);
    expect(saved.json()).toMatchObject({ version: 1, builtin: "warmup-set", saved: true });
    const plan = (await sb.run("workflow", "plan", `${P}warm`, "--profile", "wfc", "--json")).json<{
      planId: string;
    }>();
    expect(plan).toMatchObject({ matched: 2, template: `${P}warm`, builtin: "warmup-set" });
    expect((await sb.run("workflow", "apply", plan.planId, "--confirm-count", "2")).code).toBe(0);
    expect(await redis("GET", `${P}w:1`)).toBe("$3\r\na,b\r\n");
    expect(
      (await sb.run("workflow", "template", "show", `${P}warm`, "--json")).json().params,
    ).toEqual({
      file,
      condition: "if-absent",
    });
    expect((await sb.run("workflow", "template", "remove", `${P}warm`)).code).toBe(0);
    const bad = await sb.run(
      "workflow",
      "plan",
      "ttl-normalize",
      "--profile",
      "wfc",
      "--param",
      "pattern=*",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/needs the param ttlSeconds/);
    expect((await sb.run("workflow", "plan", "nope", "--profile", "wfc")).code).toBe(2);
    expect((await sb.run("history", "show", "exec_nope")).code).toBe(2);
  });
});
