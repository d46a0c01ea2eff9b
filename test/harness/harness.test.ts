import { describe, expect, inject, it } from "vitest";
import { memcachedCommand, rawCommand } from "./resp.ts";

describe("harness", () => {
  const servers = inject("servers");

  it("runs a real redis-server that answers PING", async () => {
    expect(await rawCommand(servers.redis.port, ["PING"])).toBe("+PONG\r\n");
  });

  it("runs a real memcached that answers version", async () => {
    expect(await memcachedCommand(servers.memcached.port, "version")).toMatch(/^VERSION 1\./);
  });

  it("runs a 6-node cluster with 3 primaries and 3 replicas, state ok", async () => {
    expect(servers.cluster.ports).toHaveLength(6);
    const nodes = await rawCommand(servers.cluster.ports[0]!, ["CLUSTER", "NODES"]);
    const lines = nodes.split("\n").filter((l) => /:\d+@\d+/.test(l));
    expect(lines.filter((l) => l.includes("master"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes("slave"))).toHaveLength(3);
    const info = await rawCommand(servers.cluster.ports[5]!, ["CLUSTER", "INFO"]);
    expect(info).toContain("cluster_state:ok");
  });
});
