import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../../test/harness/index.ts";
import { spawnCli } from "../../../../../test/support/cli.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");
const redis = (args: string[]) => rawCommand(servers.redis.port, args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Guardrail levels per environment (Settings → Guardrails): changed through the API or the CLI,
 * enforced by the gate for every origin, prod never lowered. Real Redis, a real studio and the
 * built `cachify` binary in its own process (the same data folder, as a user beside the studio).
 */
describe("guardrail levels per environment: /api/settings/guardrails and cachify settings guardrail", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-guardrails-"));
  const env = { CACHIFY_HOME: dataDir };
  const p = `guardrails:${process.pid}:`;
  const ids: Record<"dev" | "staging" | "prod", string> = { dev: "", staging: "", prod: "" };

  const { call } = studioApi(() => studio);
  const levels = async () => (await call("GET", "/api/settings/guardrails"))[1].levels;
  const value = async (key: string) => redis(["GET", key]);
  const del = (id: string, key: string, confirm?: unknown) =>
    call(
      "DELETE",
      `/api/profiles/${id}/key?key=${encodeURIComponent(key)}`,
      confirm === undefined ? undefined : { confirm },
    );

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
    for (const e of ["dev", "staging", "prod"] as const)
      ids[e] = studio.app.profiles.create({
        name: `gr-${e}`,
        url: servers.redis.url,
        environment: e,
      }).id;
  }, 30_000);
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers safety.md's table by default, prod fixed with the reason", async () => {
    const [s, v] = await call("GET", "/api/settings/guardrails");
    expect(s).toBe(200);
    const table = {
      dev: { destructive: "confirm", raw: "none" },
      staging: { destructive: "confirm", raw: "confirm" },
      prod: { destructive: "typed-name", raw: "typed-name" },
    };
    expect(v).toEqual({
      levels: table,
      defaults: table,
      fixed: { prod: expect.stringMatching(/cannot be lowered/) },
    });
  });

  it("API: with dev destructive raised to typed-name, a delete on dev answers 428 typed-name and only the name deletes", async () => {
    const key = `${p}api-del`;
    await redis(["SET", key, "v1"]);
    const [s0, before] = await del(ids.dev, key);
    expect(s0).toBe(428);
    expect(before.error.details.level).toBe("confirm");

    const [s1, v] = await call("PUT", "/api/settings/guardrails", {
      dev: { destructive: "typed-name" },
    });
    expect(s1).toBe(200);
    expect(v.levels.dev).toEqual({ destructive: "typed-name", raw: "none" });

    const [s2, challenge] = await del(ids.dev, key);
    expect(s2).toBe(428);
    expect(challenge.error).toMatchObject({
      code: "confirmation-required",
      details: { level: "typed-name", type: "gr-dev", environment: "dev" },
    });
    expect(await value(key)).toBe("$2\r\nv1\r\n");
    // A wrong name does not do it either; the name does.
    const [s3] = await del(ids.dev, key, {
      challengeId: challenge.error.details.challengeId,
      typedName: "dev",
    });
    expect(s3).toBe(428);
    expect(await value(key)).toBe("$2\r\nv1\r\n");
    const [, again] = await del(ids.dev, key);
    const [s4, done] = await del(ids.dev, key, {
      challengeId: again.error.details.challengeId,
      typedName: "gr-dev",
    });
    expect(s4).toBe(200);
    expect(done).toEqual({ deleted: 1 });
    expect(await value(key)).toBe("$-1\r\n");

    // Staging was not touched by the dev change.
    await redis(["SET", key, "v2"]);
    const [s5, staging] = await del(ids.staging, key);
    expect(s5).toBe(428);
    expect(staging.error.details.level).toBe("confirm");
    await call("PUT", "/api/settings/guardrails", { dev: { destructive: "confirm" } });
  });

  it("API: with staging raw lowered to none, a console SET on staging runs without a challenge", async () => {
    const key = `${p}console`;
    const set = () =>
      call("POST", `/api/profiles/${ids.staging}/command`, { line: `SET ${key} lowered` });
    const [s0, before] = await set();
    expect(s0).toBe(428);
    expect(before.error.details.level).toBe("confirm");
    expect(await value(key)).toBe("$-1\r\n");

    const [s1, v] = await call("PUT", "/api/settings/guardrails", { staging: { raw: "none" } });
    expect(s1).toBe(200);
    expect(v.levels.staging).toEqual({ destructive: "confirm", raw: "none" });
    // The console's preview says so too.
    const [, cls] = await call("GET", `/api/profiles/${ids.staging}/command-class?command=set`);
    expect(cls.guard).toBe("none");

    const [s2, r] = await set();
    expect(s2).toBe(200);
    expect(r.text).toMatch(/OK/);
    expect(await value(key)).toBe("$7\r\nlowered\r\n");
    // Staging's single-key deletes still ask: only the raw row changed.
    expect((await del(ids.staging, key))[0]).toBe(428);
    await call("PUT", "/api/settings/guardrails", { staging: { raw: "confirm" } });
  });

  it("refuses to lower prod, naming the field, and saves nothing of that request", async () => {
    const [s1, e1] = await call("PUT", "/api/settings/guardrails", {
      prod: { destructive: "none" },
    });
    expect(s1).toBe(400);
    expect(e1.error).toMatchObject({
      code: "bad-input",
      message:
        "prod.destructive cannot be lowered to none: production always asks for the profile name typed (a safety rule).",
      details: { param: "prod.destructive" },
    });
    const [s2, e2] = await call("PUT", "/api/settings/guardrails", {
      dev: { raw: "typed-name" },
      prod: { raw: "confirm" },
    });
    expect(s2).toBe(400);
    expect(e2.error.details).toEqual({ param: "prod.raw" });
    const [s3, e3] = await call("PUT", "/api/settings/guardrails", { staging: { raw: "maybe" } });
    expect(s3).toBe(400);
    expect(e3.error.details).toEqual({ param: "staging.raw" });
    expect(await levels()).toEqual({
      dev: { destructive: "confirm", raw: "none" },
      staging: { destructive: "confirm", raw: "confirm" },
      prod: { destructive: "typed-name", raw: "typed-name" },
    });
    // The CLI refuses the same way (exit 2), and prod still asks for its name.
    const cli = await spawnCli(["settings", "guardrail", "prod", "raw", "none"], env);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("prod.raw cannot be lowered to none");
    expect((await levels()).prod).toEqual({ destructive: "typed-name", raw: "typed-name" });
    const key = `${p}prod`;
    await redis(["SET", key, "keep"]);
    const [s4, e4] = await del(ids.prod, key);
    expect(s4).toBe(428);
    expect(e4.error.details.level).toBe("typed-name");
    expect(await value(key)).toBe("$4\r\nkeep\r\n");
  });

  it("CLI: with dev destructive raised to typed-name, del without --confirm exits 4 and leaves the key; --confirm NAME deletes", async () => {
    const key = `${p}cli-del`;
    await redis(["SET", key, "v"]);
    const set = await spawnCli(["settings", "guardrail", "dev", "destructive", "typed-name"], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("dev destructive: typed-name (saved in");

    const refused = await spawnCli(["del", "gr-dev", key], env);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('needs the profile name: add --confirm "gr-dev"');
    expect(await value(key)).toBe("$1\r\nv\r\n");
    const wrong = await spawnCli(["del", "gr-dev", key, "--confirm", "gr-staging"], env);
    expect(wrong.code).toBe(4);
    expect(await value(key)).toBe("$1\r\nv\r\n");

    const ok = await spawnCli(["del", "gr-dev", key, "--confirm", "gr-dev"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await value(key)).toBe("$-1\r\n");

    const shown = await spawnCli(["settings", "show"], env);
    expect(shown.stdout).toMatch(/^ENVIRONMENT\s+DESTRUCTIVE\s+RAW WRITE\/ADMIN$/m);
    expect(shown.stdout).toMatch(/^dev\s+typed-name\s+none$/m);
    expect(shown.stdout).toMatch(/^prod\s+typed-name\s+typed-name\s+\(fixed\)$/m);
    const json = (await spawnCli(["settings", "show", "--json"], env)).json<{
      guardrails: { levels: { dev: { destructive: string } } };
    }>();
    expect(json.guardrails.levels.dev.destructive).toBe("typed-name");

    // The running studio follows the other process's change within about a second.
    await redis(["SET", key, "v"]);
    let level: string | undefined;
    for (let i = 0; i < 60 && level !== "typed-name"; i++) {
      if (i > 0) await sleep(50);
      level = (await del(ids.dev, key))[1].error?.details?.level;
    }
    expect(level).toBe("typed-name");
    expect(await value(key)).toBe("$1\r\nv\r\n");

    const bad = await spawnCli(["settings", "guardrail", "qa", "raw", "none"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown environment "qa"');
  });
});
