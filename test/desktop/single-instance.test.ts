import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alive,
  CLI_DIST,
  health,
  launchStudio,
  requireCliBuild,
  run,
  runStudioToEnd,
  type StudioProcess,
  until,
} from "./support.ts";

const INSTANCE = "studio-instance.json";

/**
 * `cachify studio` as users launch it (the built CLI, real processes): one studio per data folder,
 * a file left by a killed studio taken over, and launches at the same moment ending with one server.
 */
describe("cachify studio: one studio per data folder", () => {
  const root = mkdtempSync(join(tmpdir(), "cachify-single-"));
  const env = { ...process.env, HOME: root, XDG_CACHE_HOME: join(root, "cache") };
  const launched: StudioProcess[] = [];
  const launch = (dataDir: string) => {
    const p = launchStudio(["--data-dir", dataDir, "--no-open"], env);
    launched.push(p);
    return p;
  };
  beforeAll(() => requireCliBuild());
  afterAll(async () => {
    await Promise.all(launched.map((p) => p.stop(3000)));
    rmSync(root, { recursive: true, force: true });
  });

  it("a studio killed with SIGKILL leaves its file; the next launch takes over and runs", async () => {
    const dataDir = join(root, "killed");
    const first = launch(dataDir);
    await first.ready();
    const file = join(dataDir, INSTANCE);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(first.pid);

    const next = launch(dataDir);
    const { port, token } = await next.ready();
    expect(next.output()).toContain(
      `A studio that stopped without cleaning up (pid ${first.pid}) had left this data folder marked in use: taken over.`,
    );
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      pid: next.pid,
      port,
      state: "ready",
    });
    expect(await health(port, token)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await next.stop()).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it("three launches at once, over a stale file, end with one server that the others report", async () => {
    const dataDir = join(root, "race");
    mkdirSync(dataDir);
    // A file from a studio that died: its pid is that of a process that has exited.
    const dead = Number(
      String(
        spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout,
      ),
    );
    writeFileSync(
      join(dataDir, INSTANCE),
      JSON.stringify({
        pid: dead,
        nonce: "00aa11bb22cc33dd",
        startedAt: Date.now() - 3_600_000,
        state: "ready",
        port: 9,
        token: "old-token",
      }),
      { mode: 0o600 },
    );
    const all = [launch(dataDir), launch(dataDir), launch(dataDir)];
    // Two end by themselves (exit 0, pointing at the third); one keeps serving.
    const ended = await until(
      () => {
        const done = all.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
        return done.length >= 2 ? done : undefined;
      },
      "two of the three launches to end",
      30_000,
    );
    expect(ended).toHaveLength(2);
    const server = all.find((p) => !ended.includes(p))!;
    const { port, token } = await server.ready();
    expect(alive(server.pid)).toBe(true);
    for (const p of ended) {
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain(
        `Cachify Studio is already running for this data folder (pid ${server.pid}, port ${port}): http://127.0.0.1:${port}/?code=`,
      );
    }
    const info = JSON.parse(readFileSync(join(dataDir, INSTANCE), "utf8"));
    expect(info).toMatchObject({ pid: server.pid, port, state: "ready" });
    expect(info.token).toBe(token);
    expect(await health(port, token)).toMatchObject({ status: 200, body: { ok: true } });
    // No temp or takeover files left behind.
    expect(
      spawnSync("ls", ["-A", dataDir])
        .stdout.toString()
        .split("\n")
        .filter((f) => f.startsWith(INSTANCE)),
    ).toEqual([INSTANCE]);
    expect(await server.stop()).toBe(0);
    expect(existsSync(join(dataDir, INSTANCE))).toBe(false);
  });

  it("prints one-time links, never the token: the first launch, a second one, and `cachify studio link`", async () => {
    const dataDir = join(root, "links");
    const studio = launch(dataDir);
    const { port, token, url } = await studio.ready();
    const trade = async (link: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: new URL(link).searchParams.get("code") }),
        })
      ).status;
    expect(studio.output()).toContain(
      "(The link works once, within 60 s: `cachify studio link` prints a new one.)",
    );
    expect(await trade(url)).toBe(200);
    expect(await trade(url)).toBe(401);

    const second = await runStudioToEnd(["--data-dir", dataDir, "--no-open"], env);
    expect(second.code).toBe(0);
    const secondLink = /already running[^\n]*: (\S+)/.exec(second.output)![1]!;
    expect(await trade(secondLink)).toBe(200);

    const linked = await run(
      process.execPath,
      [CLI_DIST, "studio", "link", "--data-dir", dataDir],
      env,
    );
    expect(linked.code).toBe(0);
    expect(linked.stdout).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?code=[\\w-]{20,}\n$`),
    );
    expect(linked.stderr).toContain("works once, within 60 s");
    expect(await trade(linked.stdout.trim())).toBe(200);
    expect(await trade(linked.stdout.trim())).toBe(401);
    for (const out of [studio.output(), second.output, linked.stdout, linked.stderr]) {
      expect(out).not.toContain(token);
    }

    expect(await studio.stop()).toBe(0);
    const none = await run(
      process.execPath,
      [CLI_DIST, "studio", "link", "--data-dir", dataDir],
      env,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `No studio is running on the data folder ${dataDir}: start one with \`cachify studio\`.`,
    );
  });
});
