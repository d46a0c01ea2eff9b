import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CliIo, runCli } from "@cachify/studio";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document --json promises. */
  json<T = Record<string, unknown>>(): T;
}

/** A private data folder and an in-process `cachify` bound to it. */
export function cliSandbox() {
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-cli-"));
  const run = async (...argv: string[]): Promise<CliResult> => {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      out: (t) => {
        stdout += t;
      },
      err: (t) => {
        stderr += t;
      },
      readFile: (p) => readFileSync(p, "utf8"),
      writeFile: (p, t) => writeFileSync(p, t),
      env: { ...process.env, CACHIFY_HOME: dataDir },
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  };
  return { dataDir, run, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export const CLI_BIN = resolve(import.meta.dirname, "../../node_modules/.bin/cachify");

/** Runs the installed `cachify` binary as a user would, in its own process. */
export function spawnCli(
  argv: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<CliResult & { elapsedMs: number }> {
  const started = performance.now();
  return new Promise((res, rej) => {
    const child = spawn(CLI_BIN, argv, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`cachify ${argv.join(" ")} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      res({
        code: code ?? 1,
        stdout,
        stderr,
        elapsedMs: performance.now() - started,
        json: () => JSON.parse(stdout),
      });
    });
  });
}
