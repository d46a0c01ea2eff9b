import { spawn } from "node:child_process";
import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { redisArgs } from "./redis.ts";
import { rawCommand } from "./resp.ts";

export interface ClusterNode {
  port: number;
  process: ManagedProcess;
}

export interface RedisCluster {
  nodes: ClusterNode[];
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,... (the seed list) */
  url: string;
  command(port: number, ...args: string[]): Promise<string>;
  /** Ports of the current primaries. */
  primaries(): Promise<number[]>;
  stop(): Promise<void>;
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const p = await freePort();
    // The cluster bus needs a second port; we set it explicitly (cluster-port) from the same pool.
    ports.add(p);
  }
  return [...ports];
}

function run(bin: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Starts 6 cluster-enabled redis-servers and joins them: 3 primaries, 3 replicas. */
export async function startCluster(): Promise<RedisCluster> {
  const server = requireBinary("redis-server");
  const cli = requireBinary("redis-cli");
  const ports = await distinctFreePorts(12);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 6; i++) {
    const port = ports[i]!;
    const proc = new ManagedProcess(
      "redis-cluster",
      server,
      redisArgs(port, [
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        String(ports[i + 6]),
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "3000",
      ]),
    );
    proc.start();
    nodes.push({ port, process: proc });
  }
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.process.stop()));
  };
  try {
    for (const n of nodes) {
      await waitFor(
        async () => (await rawCommand(n.port, ["PING"], 500)).startsWith("+PONG"),
        `cluster node ${n.port}`,
      );
    }
    const created = await run(cli, [
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed: ${created.out}`);
    await waitFor(
      async () => {
        for (const n of nodes) {
          const info = await rawCommand(n.port, ["CLUSTER", "INFO"], 500);
          if (!info.includes("cluster_state:ok")) return false;
        }
        return true;
      },
      "cluster_state:ok on all 6 nodes",
      30_000,
      100,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    nodes,
    url: `redis+cluster://${nodes
      .slice(0, 3)
      .map((n) => `127.0.0.1:${n.port}`)
      .join(",")}`,
    command: (port, ...args) => rawCommand(port, args),
    async primaries() {
      const out = await rawCommand(nodes[0]!.port, ["CLUSTER", "NODES"]);
      return out
        .split("\n")
        .filter((l) => l.includes("master") && !l.includes("fail"))
        .map((l) => Number(/:(\d+)@/.exec(l)?.[1]))
        .filter((p) => p > 0);
    },
    stop,
  };
}
