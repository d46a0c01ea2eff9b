import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  launchStudio,
  requireCliBuild,
  type StudioProcess,
} from "../../../../test/desktop/support.ts";
import { claimInstance, INSTANCE_FILE } from "./instance-lock.ts";

/** A pid that surely belongs to no process: one that ran and exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(String(r.stdout));
}

describe("instance lock: one studio per data folder", () => {
  const root = mkdtempSync(join(tmpdir(), "cachify-instance-"));
  const started: StudioProcess[] = [];
  afterAll(async () => {
    for (const s of started) {
      try {
        process.kill(s.pid, "SIGCONT");
      } catch {
        // gone
      }
      await s.stop(2000);
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("claims an empty folder with a 0600 file, finds itself running, and removes only its own file", async () => {
    const dir = join(root, "own");
    const claim = await claimInstance(dir);
    expect(claim.kind).toBe("owner");
    if (claim.kind !== "owner") return;
    const path = join(dir, INSTANCE_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({
      pid: process.pid,
      state: "starting",
    });
    // Someone else's file under the same name (a launch that took over meanwhile) stays.
    writeFileSync(
      path,
      JSON.stringify({ pid: process.pid, nonce: "abcdef", startedAt: 1, state: "starting" }),
    );
    claim.lock.release();
    expect(existsSync(path)).toBe(true);
    rmSync(path);
  });

  it("takes over a file left by a dead studio, and an unreadable one", async () => {
    const dir = join(root, "stale");
    const path = join(dir, INSTANCE_FILE);
    const dead = deadPid();
    mkdirSync(dir);
    writeFileSync(
      path,
      JSON.stringify({
        pid: dead,
        nonce: "0123456789abcdef",
        startedAt: Date.now() - 60_000,
        state: "ready",
        port: 9,
        token: "old",
        url: "http://127.0.0.1:9/?token=old",
      }),
      { mode: 0o600 },
    );
    const claim = await claimInstance(dir, { waitMs: 3000 });
    expect(claim.kind).toBe("owner");
    if (claim.kind !== "owner") return;
    expect(claim.lock.tookOverFrom).toBe(dead);
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    claim.lock.release();
    expect(existsSync(path)).toBe(false);

    writeFileSync(path, "{not json", { mode: 0o600 });
    const old = new Date(Date.now() - 10_000);
    utimesSync(path, old, old);
    const again = await claimInstance(dir, { waitMs: 3000 });
    expect(again.kind).toBe("owner");
    if (again.kind === "owner") again.lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("finds a running studio (real process); the studio removes its file on SIGTERM", async () => {
    requireCliBuild();
    const dir = join(root, "live");
    const studio = launchStudio(["--data-dir", dir, "--no-open"], { ...process.env });
    started.push(studio);
    const { port, url, token } = await studio.ready();
    const path = join(dir, INSTANCE_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const found = await claimInstance(dir, { waitMs: 3000 });
    expect(found).toEqual({ kind: "running", instance: { pid: studio.pid, port, url, token } });
    expect(await studio.stop()).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it("never replaces a live studio that does not answer (SIGSTOP): it refuses, saying what to do", async () => {
    requireCliBuild();
    const dir = join(root, "stopped");
    const studio = launchStudio(["--data-dir", dir, "--no-open"], { ...process.env });
    started.push(studio);
    const { port } = await studio.ready();
    const path = join(dir, INSTANCE_FILE);
    process.kill(studio.pid, "SIGSTOP");
    try {
      const t = Date.now();
      const refused = await claimInstance(dir, { waitMs: 1200, probeTimeoutMs: 300 }).catch(
        (e) => e,
      );
      expect(refused).toMatchObject({ code: "conflict" });
      expect(refused.message).toContain(`pid ${studio.pid} does not answer on port ${port}`);
      expect(refused.message).toContain(`kill ${studio.pid}`);
      expect(refused.message).toContain(`delete ${path}`);
      expect(Date.now() - t).toBeLessThan(5000);
      expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(studio.pid);
    } finally {
      process.kill(studio.pid, "SIGCONT");
    }
    // Awake again: found, not replaced.
    expect((await claimInstance(dir, { waitMs: 3000 })).kind).toBe("running");
  });
});
