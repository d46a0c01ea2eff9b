import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { spawnCli } from "../support/cli.ts";

const servers = inject("servers");

/**
 * The data folder on a small tmpfs of its own (the tests run as root, as CI does), filled up or
 * remounted read-only: a mutation whose pre-image cannot be made durable is never sent.
 */
describe("data folder full or read-only", () => {
  const dir = mkdtempSync(join(tmpdir(), "cachify-fs-"));
  const env = { CACHIFY_HOME: dir };
  // Incompressible, so the DUMP payload stays large (DUMP compresses strings with LZF).
  const big = randomBytes(450_000).toString("base64");

  beforeAll(() => {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir]);
  });
  afterAll(() => {
    try {
      execFileSync("umount", [dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a delete when the disk is full, sends nothing, and says what to do", async () => {
    expect((await spawnCli(["profile", "add", "full", "--url", servers.redis.url], env)).code).toBe(
      0,
    );
    await rawCommand(servers.redis.port, ["SET", "fault:big", big]);
    // Leave room to open the store, but less than the 600 kB pre-image needs.
    const fill = join(dir, "filler");
    const st = statfsSync(dir);
    writeFileSync(fill, Buffer.alloc(Math.max(0, st.bavail * st.bsize - 200 * 1024)));
    const r = await spawnCli(["del", "full", "fault:big", "--json"], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: "storage",
      message: expect.stringMatching(
        /could not be saved.*full.*nothing was sent.*Free disk space/s,
      ),
    });
    expect(await rawCommand(servers.redis.port, ["STRLEN", "fault:big"])).toBe(
      `:${big.length}\r\n`,
    );
    rmSync(fill);
    // With room again, the same command works and leaves an undo.
    const ok = await spawnCli(["del", "full", "fault:big", "--json"], env);
    expect(ok.code).toBe(0);
    expect(await rawCommand(servers.redis.port, ["EXISTS", "fault:big"])).toBe(":0\r\n");
    const list = await spawnCli(["rollback", "list", "--profile", "full", "--json"], env);
    expect(list.json<{ snapshots: { key: string }[] }>().snapshots[0]!.key).toBe("fault:big");
  });

  it("says the disk is full when even the store cannot open, and sends nothing", async () => {
    await rawCommand(servers.redis.port, ["SET", "fault:full", "keep"]);
    const fill = join(dir, "filler");
    try {
      writeFileSync(fill, Buffer.alloc(8 * 1024 * 1024));
    } catch {
      // ENOSPC: the filler took every byte it could, which is the point.
    }
    try {
      const r = await spawnCli(["del", "full", "fault:full", "--json"], env);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr).error).toMatchObject({
        code: "storage",
        message: expect.stringMatching(/disk .* is full/),
      });
      expect(await rawCommand(servers.redis.port, ["GET", "fault:full"])).toBe("$4\r\nkeep\r\n");
    } finally {
      rmSync(fill);
    }
  });

  it("refuses changes with a clear message when the data folder is read-only", async () => {
    await rawCommand(servers.redis.port, ["SET", "fault:ro", "keep"]);
    execFileSync("mount", ["-o", "remount,ro", dir]);
    try {
      const r = await spawnCli(["set", "full", "fault:ro", "changed", "--json"], env);
      expect(r.code).not.toBe(0);
      const error = JSON.parse(r.stderr).error;
      expect(error.code).toBe("storage");
      expect(error.message).toMatch(/read-only|writable/i);
      expect(await rawCommand(servers.redis.port, ["GET", "fault:ro"])).toBe("$4\r\nkeep\r\n");
    } finally {
      execFileSync("mount", ["-o", "remount,rw", dir]);
    }
  });
});
