import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../harness/index.ts";
import { cliSandbox } from "../support/cli.ts";

const PASSWORD = "Planted-Passw0rd-7f3a";
const VALUE = "planted-value-9c1e-do-not-store";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * A password and a value are planted, then every path that records or prints something runs.
 * Afterwards no stored byte (database, WAL, exports, anything in the data folder) and no
 * history/timeline/export output holds either in clear.
 */
describe("secrets and values never stored or printed in clear", () => {
  let server: RedisServer;
  const sb = cliSandbox();
  const outputs: string[] = [];
  const run = async (...args: string[]) => {
    const r = await sb.run(...args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    server = await startRedis({ args: ["--requirepass", PASSWORD] });
  });
  afterAll(async () => {
    await server.stop();
    sb.cleanup();
  });

  it("runs every recording path with a password-protected server and a planted value", async () => {
    expect(
      (
        await run(
          "profile",
          "add",
          "guarded",
          "--url",
          `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
        )
      ).code,
    ).toBe(0);
    expect((await run("set", "guarded", "sec:k", VALUE)).code).toBe(0);
    expect((await sb.run("get", "guarded", "sec:k")).stdout).toContain(VALUE); // asked for: shown, not kept
    expect((await run("set", "guarded", "sec:k", `${VALUE}-2`)).code).toBe(0);
    expect((await run("exec", "guarded", "--", "SET", "sec:raw", VALUE)).code).toBe(0);
    expect((await run("del", "guarded", "sec:k", "sec:raw")).code).toBe(0);
    const op = (await sb.run("timeline", "--profile", "guarded", "--json", "--limit", "1")).json<{
      events: { id: string }[];
    }>().events[0]!.id;
    expect((await run("rollback", "restore", "--operation", op)).code).toBe(0);
    expect((await run("profile", "export", join(sb.dataDir, "export.json"))).code).toBe(0);
    expect((await run("profile", "show", "guarded", "--json")).code).toBe(0);
    expect((await run("profile", "list")).code).toBe(0);
    expect((await run("timeline", "--json", "--limit", "1000")).code).toBe(0);
    expect((await run("rollback", "list", "--json")).code).toBe(0);
    // A failing command whose error could echo its input.
    await run("set", "guarded", "sec:k", VALUE, "--ttl", "nope");
  });

  it("runs warm-up workflows holding the value: from a file, inline entries and a saved preset", async () => {
    const applied = async (planArgs: string[]) => {
      // As text: the JSON plan view echoes inline entries back to whoever just sent them.
      const plan = await run("workflow", "plan", ...planArgs, "--profile", "guarded");
      expect(plan.stdout).toMatch(/^1 key\(s\) would change/m);
      const planId = /^Plan (plan_\w+):/m.exec(plan.stdout)![1]!;
      const r = await run("workflow", "apply", planId, "--confirm-count", "1", "--json");
      expect(r.code).toBe(0);
      return r.json<{ executionId: string }>().executionId;
    };
    // The entries file lives outside the data folder (the scan below would find it otherwise).
    const elsewhere = mkdtempSync(join(tmpdir(), "cachify-sec-file-"));
    try {
      const file = join(elsewhere, "warm.jsonl");
      writeFileSync(file, `${JSON.stringify({ key: "sec:w:file", value: VALUE })}\n`);
      await applied(["warmup-set", "--param", `file=${file}`]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const entries = (key: string) => `entries=${JSON.stringify([{ key, value: VALUE }])}`;
    const inline = await applied(["warmup-set", "--param", entries("sec:w:inline")]);
    expect(
      (
        await run(
          "workflow",
          "template",
          "save",
          "sec-preset",
          "--from",
          "warmup-set",
          "--param",
          entries("sec:w:preset"),
        )
      ).code,
    ).toBe(0);
    await applied(["sec-preset"]);
    // A rerun with other inline entries: its diff is kept with the plan and the execution.
    const rerun = await sb.run(
      "history",
      "rerun",
      inline,
      "--param",
      entries("sec:w:rerun"),
      "--json",
    );
    expect(rerun.code).toBe(0);
    const rerunPlan = rerun.json<{ planId: string }>().planId;
    const ran = await run("workflow", "apply", rerunPlan, "--confirm-count", "1", "--json");
    expect(ran.code).toBe(0);
    const shown = await run(
      "history",
      "show",
      ran.json<{ executionId: string }>().executionId,
      "--json",
    );
    expect(shown.json()).toMatchObject({
      paramsDiff: [{ param: "entries", from: "<1 inline entries>", to: "<1 inline entries>" }],
    });
    expect((await run("history", "show", inline, "--json")).code).toBe(0);
    expect((await sb.run("get", "guarded", "sec:w:preset")).stdout).toContain(VALUE);
  });

  it("leaves neither in any file of the data folder, nor in anything printed", () => {
    const files = filesUnder(sb.dataDir);
    expect(files.some((f) => f.endsWith("cachify.db"))).toBe(true);
    expect(files.some((f) => f.endsWith("export.json"))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(PASSWORD), `${f} holds the password`).toBe(false);
      expect(bytes.includes(VALUE), `${f} holds the value`).toBe(false);
    }
    for (const text of outputs) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(VALUE);
    }
    console.log(`secrets scan: ${files.length} files and ${outputs.length} outputs checked`);
  });
});
