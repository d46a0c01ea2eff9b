import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

  /** Freezes the process (SIGSTOP): it keeps its sockets but answers nothing. */
  pause(): void {
    process.kill(this.pid, "SIGSTOP");
  }

  resume(): void {
    process.kill(this.pid, "SIGCONT");
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(child.pid!, "SIGCONT");
    } catch {}
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
