import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../harness/index.ts";
import { spawnCli } from "../support/cli.ts";

/**
 * Scripts are no way around the guard: the installed `cachify` binary challenges an EVAL that
 * writes on prod and refuses it on a read-only profile, and runs EVAL_RO there.
 */

describe("scripts through the installed cachify binary", () => {
  let redis: RedisServer;
  let dataDir: string;
  const env = () => ({ CACHIFY_HOME: dataDir });

  beforeAll(async () => {
    redis = await startRedis();
    await redis.command("SET", "kept", "1");
    dataDir = mkdtempSync(join(tmpdir(), "cachify-sweep-bin-"));
    for (const [name, flags] of [
      ["prod", ["--env", "prod"]],
      ["ro", ["--read-only"]],
    ] as const) {
      const r = await spawnCli(["profile", "add", name, "--url", redis.url, ...flags], env());
      expect(r.code, r.stderr).toBe(0);
    }
  });

  afterAll(async () => {
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("EVAL that flushes is challenged on prod (exit 4) and refused read-only (exit 3); EVAL_RO runs", async () => {
    const flush = ["EVAL", "return redis.call('flushall')", "0"];
    const onProd = await spawnCli(["exec", "prod", "--", ...flush], env());
    expect(onProd.code, onProd.stdout + onProd.stderr).toBe(4);
    const readOnly = await spawnCli(["exec", "ro", "--", ...flush], env());
    expect(readOnly.code, readOnly.stdout + readOnly.stderr).toBe(3);
    const ro = await spawnCli(
      ["exec", "ro", "--", "EVAL_RO", "return redis.call('get', KEYS[1])", "1", "kept"],
      env(),
    );
    expect(ro.code, ro.stderr).toBe(0);
    expect(ro.stdout).toContain("1");
    expect(await redis.command("GET", "kept")).toBe("$1\r\n1\r\n");
  });
});
