import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { rawCommand } from "./resp.ts";

export interface RedisServer {
  host: string;
  port: number;
  url: string;
  process: ManagedProcess;
  /** Sends a command straight to the server (outside the product) to check what it holds. */
  command(...args: string[]): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  port?: number;
  args?: string[];
  /** Keep data on restart (AOF); off by default: tests start empty. */
  persist?: boolean;
}

export function redisArgs(port: number, extra: string[] = [], persist = false): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    persist ? "yes" : "no",
    "--daemonize",
    "no",
    "--protected-mode",
    "yes",
    "--enable-debug-command",
    "local",
    "--logfile",
    "",
    ...extra,
  ];
}

async function waitReady(proc: ManagedProcess, port: number): Promise<void> {
  await waitFor(async () => {
    if (!proc.alive) throw new Error(`redis-server exited: ${proc.recentOutput()}`);
    const reply = await rawCommand(port, ["PING"], 500);
    // A server with requirepass answers NOAUTH: it is up.
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
  }, `redis-server on port ${port}`);
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const bin = requireBinary("redis-server");
  const port = options.port ?? (await freePort());
  const proc = new ManagedProcess("redis", bin, redisArgs(port, options.args, options.persist));
  proc.start();
  await waitReady(proc, port);
  return {
    host: "127.0.0.1",
    port,
    url: `redis://127.0.0.1:${port}`,
    process: proc,
    command: (...args) => rawCommand(port, args),
    async restart() {
      await proc.kill("SIGKILL");
      proc.start();
      await waitReady(proc, port);
    },
    stop: () => proc.stop(),
  };
}
