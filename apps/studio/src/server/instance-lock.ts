import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { CachifyError } from "@cachify/core";
import { proveInstance } from "./instance-proof.ts";
import { checkDataDirTrusted, checkInstanceFileTrusted } from "./instance-trust.ts";

/**
 * One studio per data folder. The studio that owns a folder keeps `studio-instance.json` in it
 * (mode 0600: it holds the session token, like the folder's key file): its pid, a nonce, and once
 * it listens, its port and token. A second `cachify studio` believes it only in a folder that is
 * the user's alone (instance-trust.ts), checks the studio is alive (the pid exists and the port
 * proves it holds the token: instance-proof.ts), then asks it for a one-time launch link and opens
 * a window on it instead of starting another server. A file left by a studio that died (SIGKILL,
 * power loss), or whose port now answers without the proof, is taken over.
 *
 * Race safety: the file is created whole with link(2) from a private temp file, which fails when
 * the name exists (the O_EXCL of complete files), and replaced with rename(2). Only a launch that
 * holds `studio-instance.json.takeover-<nonce>` (created with O_EXCL) may delete a stale file with
 * that nonce, and it deletes it only if the nonce is still the one it judged stale; so two
 * launches that find the same stale file cannot both win, and none deletes a new owner's file.
 */
export const INSTANCE_FILE = "studio-instance.json";

export interface InstanceInfo {
  pid: number;
  nonce: string;
  startedAt: number;
  state: "starting" | "ready";
  port?: number;
  token?: string;
}

export interface RunningInstance {
  pid: number;
  port: number;
  token: string;
}

export type Claim =
  | { kind: "owner"; lock: InstanceLock }
  | { kind: "running"; instance: RunningInstance };

export interface ClaimOptions {
  /** How long to wait for a studio that is starting, or not answering, before giving up. */
  waitMs?: number;
  /** Timeout of one proof request to the recorded port. */
  probeTimeoutMs?: number;
}

/** The claim on a data folder: write the address once listening, release on the way out. */
export class InstanceLock {
  private released = false;

  constructor(
    readonly path: string,
    readonly nonce: string,
    private readonly startedAt: number,
    /** The pid of a dead studio whose file this launch took over, if any. */
    readonly tookOverFrom: number | undefined,
  ) {}

  /** The studio listens: record where (replaces the file atomically, keeping it 0600). */
  ready(address: { port: number; token: string }): void {
    const info: InstanceInfo = {
      pid: process.pid,
      nonce: this.nonce,
      startedAt: this.startedAt,
      state: "ready",
      ...address,
    };
    const temp = tempName(this.path);
    writeFileSync(temp, JSON.stringify(info), { mode: 0o600, flag: "wx" });
    try {
      renameSync(temp, this.path);
    } catch (e) {
      unlinkQuietly(temp);
      throw e;
    }
  }

  /** Removes the file if it is still this studio's (synchronous: safe in an exit handler). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const current = readInfo(this.path);
    if (current.kind === "info" && current.info.nonce === this.nonce) unlinkQuietly(this.path);
  }
}

/**
 * Claims the data folder for a new studio, or finds the one running on it. Waits (up to `waitMs`)
 * for a studio that is still starting; takes over the file of one that died; refuses, with what
 * to do, when a live process holds the folder but does not answer.
 */
export async function claimInstance(dataDir: string, options: ClaimOptions = {}): Promise<Claim> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  checkDataDirTrusted(dataDir);
  const path = join(dataDir, INSTANCE_FILE);
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  const probeTimeoutMs = options.probeTimeoutMs ?? 2000;
  const nonce = randomBytes(12).toString("hex");
  let tookOverFrom: number | undefined;
  /** Refused probes per nonce: a live pid whose port refuses twice is not a studio (pid reuse). */
  const refusals = new Map<string, number>();
  let lastWhy = "";
  for (;;) {
    const startedAt = Date.now();
    if (create(path, { pid: process.pid, nonce, startedAt, state: "starting" })) {
      return { kind: "owner", lock: new InstanceLock(path, nonce, startedAt, tookOverFrom) };
    }
    const found = readInfo(path);
    let verdict: "stale" | "wait" = "wait";
    if (found.kind === "missing") continue;
    checkInstanceFileTrusted(path);
    if (found.kind === "unreadable") {
      // A file still being written by a filesystem without hard links, else junk.
      verdict = found.ageMs < 2000 ? "wait" : "stale";
      lastWhy = `${path} cannot be read`;
    } else {
      const info = found.info;
      if (!alive(info.pid)) verdict = "stale";
      else if (info.state === "ready" && info.port && info.token) {
        const probe = await proveInstance(info.port, info.token, probeTimeoutMs);
        if (probe === "ok") {
          return {
            kind: "running",
            instance: { pid: info.pid, port: info.port, token: info.token },
          };
        }
        if (probe === "not-ours") {
          const n = (refusals.get(info.nonce) ?? 0) + 1;
          refusals.set(info.nonce, n);
          if (n >= 2) verdict = "stale";
        }
        lastWhy = `the studio with pid ${info.pid} does not answer on port ${info.port}`;
      } else lastWhy = `the studio with pid ${info.pid} is still starting`;
      if (verdict === "stale") tookOverFrom = info.pid;
    }
    if (verdict === "stale") {
      // Lost to another launch taking it over right now: give it a moment, then look again.
      if (!takeOver(path, found.identity)) await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    if (Date.now() > deadline) {
      throw new CachifyError(
        "conflict",
        `Another Cachify Studio holds the data folder ${dataDir}, but ${lastWhy}. Wait for it, or stop it` +
          `${found.kind === "info" ? ` (kill ${found.info.pid})` : ""}; if no studio runs, delete ${path} and launch again.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The studio running on the data folder, proven as in claimInstance; never claims the folder. */
export async function findRunning(
  dataDir: string,
  options: Pick<ClaimOptions, "probeTimeoutMs"> = {},
): Promise<RunningInstance> {
  const path = join(dataDir, INSTANCE_FILE);
  const none = new CachifyError(
    "not-found",
    `No studio is running on the data folder ${dataDir}: start one with \`cachify studio\`.`,
  );
  if (!existsSync(dataDir)) throw none;
  checkDataDirTrusted(dataDir);
  const found = readInfo(path);
  if (found.kind === "missing") throw none;
  checkInstanceFileTrusted(path);
  if (found.kind !== "info" || !alive(found.info.pid)) throw none;
  const { pid, port, token, state } = found.info;
  if (state !== "ready" || !port || !token) {
    throw new CachifyError(
      "conflict",
      `The studio with pid ${pid} is still starting: try again in a moment.`,
    );
  }
  const probe = await proveInstance(port, token, options.probeTimeoutMs ?? 2000);
  if (probe === "busy") {
    throw new CachifyError(
      "conflict",
      `The studio with pid ${pid} does not answer on port ${port}: wait for it, or stop it (kill ${pid}) and run \`cachify studio\`.`,
    );
  }
  if (probe !== "ok") throw none;
  return { pid, port, token };
}

type Found =
  | { kind: "missing" }
  | { kind: "unreadable"; identity: string; ageMs: number }
  | { kind: "info"; identity: string; info: InstanceInfo };

function readInfo(path: string): Found {
  let text: string;
  let ageMs: number;
  try {
    ageMs = Date.now() - statSync(path).mtimeMs;
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw storageError(path, e);
  }
  try {
    const info = JSON.parse(text) as InstanceInfo;
    if (
      typeof info.pid === "number" &&
      Number.isInteger(info.pid) &&
      info.pid > 0 &&
      typeof info.nonce === "string" &&
      /^[0-9a-f]{1,64}$/.test(info.nonce)
    ) {
      return { kind: "info", identity: info.nonce, info };
    }
  } catch {
    // fall through: unreadable
  }
  return {
    kind: "unreadable",
    identity: createHash("sha256").update(text).digest("hex").slice(0, 24),
    ageMs,
  };
}

/** Creates the file with its whole content, or returns false when the name is taken. */
function create(path: string, info: InstanceInfo): boolean {
  const temp = tempName(path);
  const text = JSON.stringify(info);
  try {
    writeFileSync(temp, text, { mode: 0o600, flag: "wx" });
  } catch (e) {
    throw storageError(path, e);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EXDEV")
      throw storageError(path, e);
    // No hard links on this filesystem: O_EXCL create, then write (readers wait for content).
    try {
      writeFileSync(path, text, { mode: 0o600, flag: "wx" });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw storageError(path, e2);
    }
  } finally {
    unlinkQuietly(temp);
  }
}

/** Deletes the stale file judged by `identity`, if this launch wins the right to (true then). */
function takeOver(path: string, identity: string): boolean {
  const guard = `${path}.takeover-${identity}`;
  try {
    writeFileSync(guard, JSON.stringify({ pid: process.pid, at: Date.now() }), {
      mode: 0o600,
      flag: "wx",
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw storageError(guard, e);
    // Another launch is taking over right now; its guard lives microseconds unless it died.
    try {
      const holder = JSON.parse(readFileSync(guard, "utf8")) as { pid?: number; at?: number };
      const old = Date.now() - (holder.at ?? 0) > 5000;
      if (old || typeof holder.pid !== "number" || !alive(holder.pid)) unlinkQuietly(guard);
    } catch {
      unlinkQuietly(guard);
    }
    return false;
  }
  try {
    const current = readInfo(path);
    if (current.kind !== "missing" && current.identity === identity) unlinkQuietly(path);
  } finally {
    unlinkQuietly(guard);
  }
  return true;
}

/** Whether a process with this pid exists (EPERM: it does, it is someone else's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tempName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function storageError(path: string, e: unknown): CachifyError {
  return new CachifyError(
    "storage",
    `Cannot use ${path} (${(e as Error).message}): the data folder must be writable by you; fix its permissions or choose another with --data-dir.`,
    { cause: e },
  );
}
