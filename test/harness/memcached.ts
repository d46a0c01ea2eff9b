import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { memcachedCommand } from "./resp.ts";

export interface MemcachedServer {
  host: string;
  port: number;
  url: string;
  process: ManagedProcess;
  /** One text-protocol command straight to the server; reads until `until`. */
  command(line: string, until?: string): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface MemcachedOptions {
  /** Extra flags, e.g. ["-X"] to disable lru_crawler metadump. */
  args?: string[];
  memoryMb?: number;
}

export async function startMemcached(options: MemcachedOptions = {}): Promise<MemcachedServer> {
  const bin = requireBinary("memcached");
  const port = await freePort();
  const args = [
    "-l",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "0",
    "-m",
    String(options.memoryMb ?? 256),
    "-t",
    "2",
    ...(process.getuid?.() === 0 ? ["-u", "root"] : []),
    ...(options.args ?? []),
  ];
  const proc = new ManagedProcess("memcached", bin, args);
  const ready = () =>
    waitFor(async () => {
      if (!proc.alive) throw new Error(`memcached exited: ${proc.recentOutput()}`);
      return (await memcachedCommand(port, "version", "\r\n", 500)).startsWith("VERSION");
    }, `memcached on port ${port}`);
  proc.start();
  await ready();
  return {
    host: "127.0.0.1",
    port,
    url: `memcached://127.0.0.1:${port}`,
    process: proc,
    command: (line, until) => memcachedCommand(port, line, until),
    async restart() {
      await proc.kill("SIGKILL");
      proc.start();
      await ready();
    },
    stop: () => proc.stop(),
  };
}
