import type { RedisCluster } from "./cluster.ts";
import { waitFor } from "./ports.ts";
import { rawCommand } from "./resp.ts";

/** One line of CLUSTER NODES, as the fault tests need it. */
export interface NodeLine {
  id: string;
  port: number;
  primary: boolean;
  failed: boolean;
  primaryId: string;
}

export function parseNodes(text: string): NodeLine[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /:\d+@/.test(l))
    .map((l) => {
      const f = l.split(" ");
      return {
        id: f[0]!,
        port: Number(/:(\d+)@/.exec(f[1]!)![1]),
        primary: f[2]!.includes("master"),
        failed: /fail/.test(f[2]!),
        primaryId: f[3]!,
      };
    });
}

/** The cluster as `port` sees it. */
export async function clusterNodes(port: number): Promise<NodeLine[]> {
  return parseNodes(await rawCommand(port, ["CLUSTER", "NODES"], 1000));
}

/**
 * Right after `--cluster create` the replicas may still show as empty primaries: waits until
 * every node sees 3 primaries and 3 replicas and each replica's link is up.
 */
export async function waitForReplicas(cluster: RedisCluster): Promise<void> {
  await waitFor(
    async () => {
      for (const n of cluster.nodes) {
        const view = await clusterNodes(n.port);
        if (view.filter((x) => !x.primary).length !== 3) return false;
        const info = await rawCommand(n.port, ["INFO", "replication"], 1000);
        if (info.includes("role:slave") && !info.includes("master_link_status:up")) return false;
      }
      return true;
    },
    "3 primaries and 3 replicas in sync",
    30_000,
    200,
  );
}

/** Waits until `replicaId` has taken over from a dead primary and `seedPort` sees the cluster ok. */
export async function waitForFailover(
  seedPort: number,
  replicaId: string,
  intervalMs = 200,
): Promise<void> {
  await waitFor(
    async () => {
      const info = await rawCommand(seedPort, ["CLUSTER", "INFO"], 1000);
      const promoted = (await clusterNodes(seedPort)).find((n) => n.id === replicaId);
      return info.includes("cluster_state:ok") && promoted?.primary === true;
    },
    "the replica to be promoted and cluster_state:ok",
    30_000,
    intervalMs,
  );
}
