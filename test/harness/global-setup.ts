import type { TestProject } from "vitest/node";
import { ensureBuilt } from "./built.ts";
import { startCluster } from "./cluster.ts";
import { startMemcached } from "./memcached.ts";
import { startRedis } from "./redis.ts";

export interface SharedServers {
  redis: { host: string; port: number; url: string };
  memcached: { host: string; port: number; url: string };
  cluster: { url: string; ports: number[] };
}

declare module "vitest" {
  export interface ProvidedContext {
    servers: SharedServers;
  }
}

interface Running {
  servers: SharedServers;
  users: number;
  stop: () => Promise<void>;
}

/** One set of servers for every project of the run (each project runs this setup). */
const shared = globalThis as { __cachifyServers?: Promise<Running> };

async function startShared(): Promise<Running> {
  ensureBuilt();
  const started = Date.now();
  const [redis, memcached, cluster] = await Promise.all([
    startRedis(),
    startMemcached(),
    startCluster(),
  ]);
  console.log(
    `harness: redis :${redis.port}, memcached :${memcached.port}, cluster :${cluster.nodes.map((n) => n.port).join(",")} ready in ${Date.now() - started} ms`,
  );
  return {
    servers: {
      redis: { host: redis.host, port: redis.port, url: redis.url },
      memcached: { host: memcached.host, port: memcached.port, url: memcached.url },
      cluster: { url: cluster.url, ports: cluster.nodes.map((n) => n.port) },
    },
    users: 0,
    stop: async () => {
      await Promise.all([redis.stop(), memcached.stop(), cluster.stop()]);
    },
  };
}

/**
 * Shared servers for the whole run: one redis-server, one memcached, one 6-node cluster, on free
 * loopback ports, started by the first project that needs them and stopped after the last.
 * Tests that kill, pause or restart a server start their own (startRedis()).
 */
export default async function setup(project: TestProject) {
  shared.__cachifyServers ??= startShared();
  const running = await shared.__cachifyServers;
  running.users++;
  project.provide("servers", running.servers);
  return async () => {
    if (--running.users > 0) return;
    shared.__cachifyServers = undefined;
    await running.stop();
  };
}
