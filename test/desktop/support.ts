import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The bundled CLI (`npm run build`), run as its own process like `npm start` does. */
export const CLI_DIST = resolve(import.meta.dirname, "../../apps/studio/dist/cachify.js");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function requireCliBuild(): void {
  if (!existsSync(CLI_DIST)) {
    throw new Error(`${CLI_DIST} is missing: run \`npm run build\` first.`);
  }
}

/** A `cachify studio` process: its output as it comes, how it ended, and ways to end it. */
export interface StudioProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /**
   * Once the studio printed its link: the link (one-time), the port, and the session token, read
   * from the data folder's studio-instance.json (the token is printed nowhere).
   */
  ready(timeoutMs?: number): Promise<{ url: string; port: number; token: string }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<number | string>;
}

export function launchStudio(args: string[], env: NodeJS.ProcessEnv): StudioProcess {
  const dataDir = args[args.indexOf("--data-dir") + 1];
  if (!args.includes("--data-dir") || !dataDir) {
    throw new Error(
      "launchStudio needs --data-dir <folder> (its studio-instance.json has the token)",
    );
  }
  const child = spawn(process.execPath, [CLI_DIST, "studio", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const exited = new Promise<number | string>((res) =>
    child.once("exit", (code, signal) => res(code ?? signal ?? "unknown")),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const proc: StudioProcess = {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    async ready(timeoutMs = 20_000) {
      const m = await until(
        () => {
          if (ended) throw new Error(`cachify studio exited before it was ready:\n${out}`);
          return (
            /(?:is running|already running[^\n]*?): (http:\/\/127\.0\.0\.1:(\d+)\/\?code=\S+)/.exec(
              out,
            ) ?? undefined
          );
        },
        "the studio's link",
        timeoutMs,
      );
      const info = JSON.parse(readFileSync(join(dataDir, "studio-instance.json"), "utf8"));
      return { url: m[1]!, port: Number(m[2]), token: String(info.token) };
    },
    async stop(graceMs = 5000) {
      if (!ended) child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!ended) child.kill("SIGKILL");
      }, graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
  return proc;
}

/** Runs `cachify studio ...` to its end (a second launch that finds the running studio). */
export async function runStudioToEnd(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<{ code: number | string; output: string; elapsedMs: number }> {
  const t = performance.now();
  const p = launchStudio(args, env);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output(), elapsedMs: performance.now() - t };
}

/** GET /api/health with the launch token: what a studio on `port` says, or the error. */
export async function health(port: number, token: string): Promise<unknown> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(3000),
    });
    return { status: res.status, body: await res.json() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Whether the process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Processes whose command line mentions `marker` (a test's own temporary folder), read from
 * /proc: what a test left running, found by the unique path it gave them.
 */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(join("/proc", name, "cmdline"), "utf8");
      if (cmd.includes(marker)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(file, args, { env, timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * A virtual X display of our own: Xvfb picks a free display number and writes it to the fd we
 * give (-displayfd), so parallel runs never collide.
 */
export async function startXvfb(): Promise<{ display: string; stop(): Promise<void> }> {
  const child = spawn(
    "Xvfb",
    ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
    {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    },
  );
  let err = "";
  let fd3 = "";
  child.stderr?.on("data", (d) => (err += d));
  child.stdio[3]?.on("data", (d) => (fd3 += d));
  const failed = new Promise<never>((_, rej) => {
    child.once("error", (e) =>
      rej(new Error(`Xvfb cannot start (${e.message}): Debian: apt-get install xvfb`)),
    );
    child.once("exit", (code) => rej(new Error(`Xvfb exited (${code}): ${err}`)));
  });
  failed.catch(() => {});
  const number = await Promise.race([
    until(() => (/^\d+\n/.test(fd3) ? fd3.trim() : undefined), "Xvfb's display number", 15_000),
    failed,
  ]);
  const display = `:${number}`;
  return {
    display,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([gone, sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** The titles of the top-level windows on `display` (xwininfo -root -tree). */
export async function windowTitles(display: string): Promise<string[]> {
  const r = await run("xwininfo", ["-root", "-tree", "-display", display]);
  if (r.code !== 0)
    throw new Error(`xwininfo failed (Debian: apt-get install x11-utils): ${r.stderr}`);
  const titles: string[] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^\s+0x[0-9a-f]+ "([^"]*)":/.exec(line);
    if (m) titles.push(m[1]!);
  }
  return titles;
}
