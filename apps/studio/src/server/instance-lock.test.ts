import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  launchStudio,
  requireCliBuild,
  type StudioProcess,
} from "../../../../test/desktop/support.ts";
import { claimInstance, findRunning, INSTANCE_FILE } from "./instance-lock.ts";
import { instanceProof } from "./instance-proof.ts";

/**
 * A process on a port that says yes to everything (`{ok: true}`, as /api/health would), and
 * answers the proof correctly only if it was given the token: a studio stand-in or an impostor.
 * It records the Authorization headers it was sent.
 */
async function listener(token?: string): Promise<{ port: number; auth: string[]; server: Server }> {
  const auth: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization) auth.push(req.headers.authorization);
    const url = new URL(req.url ?? "/", "http://x");
    const nonce = url.searchParams.get("nonce") ?? "";
    const proof = token ? instanceProof(token, nonce) : "0".repeat(64);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, proof, url: "http://127.0.0.1:1/" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, auth, server };
}

/** A ready studio-instance.json naming this (live) process and `port`. */
function writeInstance(dir: string, port: number, token: string, mode = 0o600): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, INSTANCE_FILE);
  const info = { pid: process.pid, nonce: randomBytes(8).toString("hex"), startedAt: Date.now() };
  writeFileSync(path, JSON.stringify({ ...info, state: "ready", port, token }), { mode });
  chmodSync(path, mode);
  return path;
}

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
    const { port, token } = await studio.ready();
    const path = join(dir, INSTANCE_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The file holds no link: launch codes are one-time, minted per window.
    expect(readFileSync(path, "utf8")).not.toMatch(/code=|url/);
    const found = await claimInstance(dir, { waitMs: 3000 });
    expect(found).toEqual({ kind: "running", instance: { pid: studio.pid, port, token } });
    expect(await findRunning(dir)).toEqual({ pid: studio.pid, port, token });
    expect(await studio.stop()).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it("believes the file only when its port proves the token; an impostor listener is taken over, never sent the token", async () => {
    const token = randomBytes(24).toString("base64url");
    const standIn = await listener(token);
    const impostor = await listener();
    try {
      const good = join(root, "proven");
      writeInstance(good, standIn.port, token);
      expect(await claimInstance(good, { waitMs: 3000 })).toEqual({
        kind: "running",
        instance: { pid: process.pid, port: standIn.port, token },
      });

      const faked = join(root, "impostor");
      const path = writeInstance(faked, impostor.port, token);
      const claim = await claimInstance(faked, { waitMs: 3000 });
      expect(claim.kind).toBe("owner");
      if (claim.kind === "owner") {
        expect(claim.lock.tookOverFrom).toBe(process.pid);
        claim.lock.release();
      }
      expect(existsSync(path)).toBe(false);
      expect(impostor.auth.join("\n")).not.toContain(token);
      await expect(findRunning(faked)).rejects.toMatchObject({ code: "not-found" });
    } finally {
      standIn.server.close();
      impostor.server.close();
    }
  });

  it("does not trust the file in a folder others may write or own, or a file not 0600 and yours; says what to fix", async () => {
    const token = randomBytes(24).toString("base64url");
    const standIn = await listener(token);
    const refused = async (dir: string, fix: string) => {
      const e = await claimInstance(dir, { waitMs: 1000 }).catch((x) => x);
      expect(e, dir).toMatchObject({ code: "storage", message: expect.stringContaining(fix) });
      expect(e.message).toMatch(/^Not trusting /);
      await expect(findRunning(dir)).rejects.toMatchObject({ code: "storage" });
    };
    try {
      const groupWritable = join(root, "group-writable");
      writeInstance(groupWritable, standIn.port, token);
      chmodSync(groupWritable, 0o770);
      await refused(groupWritable, `chmod go-w ${groupWritable}`);
      chmodSync(groupWritable, 0o703);
      await refused(groupWritable, `chmod go-w ${groupWritable}`);

      const me = process.getuid!();
      const foreign = join(root, "foreign");
      writeInstance(foreign, standIn.port, token);
      // Root can hand a folder to "nobody"; anyone else finds one root owns.
      const foreignDir = me === 0 ? foreign : "/usr";
      if (me === 0) chownSync(foreign, 65534, 65534);
      await refused(foreignDir, `chown ${me} ${foreignDir}`);

      const readable = join(root, "readable");
      const readablePath = writeInstance(readable, standIn.port, token, 0o644);
      await refused(readable, `chmod 600 ${readablePath}`);

      const linked = join(root, "linked");
      mkdirSync(linked, { mode: 0o700 });
      symlinkSync(
        writeInstance(join(root, "elsewhere"), standIn.port, token),
        join(linked, INSTANCE_FILE),
      );
      await refused(linked, "not a regular file");

      if (me === 0) {
        const othersFile = join(root, "others-file");
        chownSync(writeInstance(othersFile, standIn.port, token), 65534, 65534);
        await refused(othersFile, "belongs to uid 65534");
      }
    } finally {
      standIn.server.close();
    }
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
