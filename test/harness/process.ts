import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A server process the harness owns: started in its own temp folder, always cleaned up. */
export class ManagedProcess {
  child: ChildProcess | undefined;
  readonly dir: string;
  private output = "";

  constructor(
    readonly name: string,
    private readonly bin: string,
    private readonly args: string[],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `cachify-${name}-`));
  }

  start(): void {
    this.output = "";
    const child = spawn(this.bin, this.args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => this.keep(d));
    child.stderr?.on("data", (d) => this.keep(d));
    this.child = child;
    liveProcesses.add(this);
  }

  private keep(d: Buffer): void {
    this.output = (this.output + d.toString()).slice(-4000);
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    return this.child.pid;
  }

  get alive(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  recentOutput(): string {
    return this.output;
  }

  /**
   * Freezes the process (SIGSTOP): it keeps its sockets but answers nothing. Returns once every
   * thread is really stopped (SIGSTOP is asynchronous; a server could otherwise answer once more).
   */
  pause(): void {
    process.kill(this.pid, "SIGSTOP");
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && !this.allThreadsStopped()) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }

  private allThreadsStopped(): boolean {
    try {
      const tasks = readdirSync(`/proc/${this.pid}/task`);
      return tasks.every((t) => {
        const stat = readFileSync(`/proc/${this.pid}/task/${t}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        return state === "T" || state === "t";
      });
    } catch {
      return true; // no /proc (not Linux): best effort
    }
  }

  resume(): void {
    process.kill(this.pid, "SIGCONT");
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    // SIGKILL ends a stopped process too; other signals need it running (without a last word).
    if (signal !== "SIGKILL") {
      try {
        process.kill(child.pid!, "SIGCONT");
      } catch {}
    }
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill("SIGKILL");
    liveProcesses.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const liveProcesses = new Set<ManagedProcess>();

// Servers must never outlive the test run, whatever ends it.
process.once("exit", () => {
  for (const p of liveProcesses) {
    try {
      p.child?.kill("SIGKILL");
      rmSync(p.dir, { recursive: true, force: true });
    } catch {}
  }
});
