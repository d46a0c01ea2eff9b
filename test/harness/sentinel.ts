import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { redisArgs } from "./redis.ts";
import { RespError, type RespTarget, type RespValue, respCall, respCommand } from "./resp2.ts";

export interface SentinelNode {
  port: number;
  process: ManagedProcess;
}

export interface SentinelSetup {
  masterName: string;
  /** The data nodes: [0] starts as the primary, [1] as its replica. */
  data: SentinelNode[];
  sentinels: SentinelNode[];
  /** redis+sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/MASTER */
  url: string;
  /** How the harness reaches a data node (with the password when there is one). */
  dataTarget(port: number): RespTarget;
  sentinelTarget(port: number): RespTarget;
  /** A command on a data node; throws on an error reply. */
  command(port: number, ...args: string[]): Promise<RespValue>;
  /** The primary's port, as the first sentinel that answers says. */
  masterPort(): Promise<number>;
  /**
   * Waits until every live sentinel names the same primary (other than `not`, if given) and that
   * node reports role:master. Returns its port.
   */
  waitForMaster(options?: { not?: number; timeoutMs?: number }): Promise<number>;
  /** INFO replication's role of a data node: "master" or "slave". */
  roleOf(port: number): Promise<string | undefined>;
  /**
   * Waits until a data node is a replica in sync with the current primary (after a graceful
   * failover Sentinel demotes the old primary only after several seconds).
   */
  waitForReplica(port: number, timeoutMs?: number): Promise<void>;
  /** Kills the current primary (SIGKILL). Returns its port. */
  killPrimary(): Promise<number>;
  /** SENTINEL FAILOVER: a graceful switch, the old primary becomes a replica. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelOptions {
  masterName?: string;
  /** requirepass + masterauth on the data nodes; sentinels get `sentinel auth-pass`. */
  password?: string;
  /** requirepass on the sentinels themselves (and sentinel-pass between them). */
  sentinelPassword?: string;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/**
 * A primary, one replica and three sentinels (quorum 2) on free loopback ports below the
 * ephemeral range. Returns once the replica is in sync and every sentinel knows the primary, the
 * replica and the two other sentinels, so a failover can be authorized right away.
 */
export async function startSentinel(options: SentinelOptions = {}): Promise<SentinelSetup> {
  const bin = requireBinary("redis-server");
  const masterName = options.masterName ?? "mymaster";
  const [primaryPort, replicaPort, ...sentinelPorts] = await distinctPorts(5);
  const auth = options.password
    ? ["--requirepass", options.password, "--masterauth", options.password]
    : [];
  const data: SentinelNode[] = [
    {
      port: primaryPort!,
      process: new ManagedProcess("redis-primary", bin, redisArgs(primaryPort!, auth)),
    },
    {
      port: replicaPort!,
      process: new ManagedProcess(
        "redis-replica",
        bin,
        redisArgs(replicaPort!, [...auth, "--replicaof", "127.0.0.1", String(primaryPort)]),
      ),
    },
  ];
  const sentinels: SentinelNode[] = sentinelPorts.map((port) => {
    // redis-server --sentinel needs a writable config file: it records what it learns there.
    const proc = new ManagedProcess("redis-sentinel", bin, ["sentinel.conf", "--sentinel"]);
    const lines = [
      `port ${port}`,
      "bind 127.0.0.1",
      "daemonize no",
      'logfile ""',
      `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 2`,
      `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 3000}`,
      `sentinel parallel-syncs ${masterName} 1`,
      ...(options.password ? [`sentinel auth-pass ${masterName} ${options.password}`] : []),
      ...(options.sentinelPassword
        ? [
            `requirepass ${options.sentinelPassword}`,
            `sentinel sentinel-pass ${options.sentinelPassword}`,
          ]
        : []),
    ];
    writeFileSync(join(proc.dir, "sentinel.conf"), `${lines.join("\n")}\n`);
    return { port, process: proc };
  });
  const all = [...data, ...sentinels];
  const stop = async () => {
    await Promise.all(all.map((n) => n.process.stop()));
  };
  const dataTarget = (port: number): RespTarget => ({
    port,
    ...(options.password ? { auth: { password: options.password } } : {}),
  });
  const sentinelTarget = (port: number): RespTarget => ({
    port,
    ...(options.sentinelPassword ? { auth: { password: options.sentinelPassword } } : {}),
  });
  const askSentinel = async (s: SentinelNode, ...args: string[]) =>
    respCommand(sentinelTarget(s.port), "SENTINEL", ...args);
  const roleOf = async (port: number) => {
    const info = String(await respCommand(dataTarget(port), "INFO", "replication"));
    return /role:(\w+)/.exec(info)?.[1];
  };

  const masterPort = async () => {
    for (const s of sentinels.filter((x) => x.process.alive)) {
      const r = await askSentinel(s, "get-master-addr-by-name", masterName).catch(() => null);
      if (Array.isArray(r)) return Number(r[1]);
    }
    throw new Error("no sentinel answered get-master-addr-by-name");
  };

  const waitForMaster = async (o: { not?: number; timeoutMs?: number } = {}) => {
    let agreed = 0;
    await waitFor(
      async () => {
        const live = sentinels.filter((s) => s.process.alive);
        const answers = await Promise.all(
          live.map(async (s) => {
            const r = await askSentinel(s, "get-master-addr-by-name", masterName);
            return Array.isArray(r) ? Number(r[1]) : 0;
          }),
        );
        const port = answers[0] ?? 0;
        if (port === 0 || port === o.not || answers.some((p) => p !== port)) return false;
        if ((await roleOf(port)) !== "master") return false;
        agreed = port;
        return true;
      },
      `the sentinels to agree on a primary${o.not ? ` other than :${o.not}` : ""}`,
      o.timeoutMs ?? 30_000,
      100,
    );
    return agreed;
  };

  try {
    for (const n of data) n.process.start();
    for (const n of data) {
      await waitFor(async () => {
        if (!n.process.alive) throw new Error(`redis-server exited: ${n.process.recentOutput()}`);
        return (await respCommand(dataTarget(n.port), "PING")) === "PONG";
      }, `redis-server on port ${n.port}`);
    }
    await waitFor(
      async () =>
        /master_link_status:up/.test(
          String(await respCommand(dataTarget(replicaPort!), "INFO", "replication")),
        ),
      "the replica to sync with the primary",
      15_000,
    );
    for (const s of sentinels) s.process.start();
    // Sentinels find the replica through the primary's INFO and each other through hello
    // messages (every 2 s): until then a failover cannot gather its quorum.
    await waitFor(
      async () => {
        for (const s of sentinels) {
          if (!s.process.alive) throw new Error(`sentinel exited: ${s.process.recentOutput()}`);
          const m = await askSentinel(s, "master", masterName);
          if (!Array.isArray(m)) return false;
          const fields = new Map<string, RespValue>();
          for (let i = 0; i + 1 < m.length; i += 2) fields.set(String(m[i]), m[i + 1]!);
          if (Number(fields.get("num-other-sentinels")) !== 2) return false;
          if (Number(fields.get("num-slaves")) !== 1) return false;
          if (!String(fields.get("flags")).startsWith("master")) return false;
        }
        return true;
      },
      "three sentinels that know the primary, the replica and each other",
      30_000,
      100,
    );
    await waitForMaster();
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    masterName,
    data,
    sentinels,
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(",")}/${masterName}`,
    dataTarget,
    sentinelTarget,
    command: (port, ...args) => respCommand(dataTarget(port), ...args),
    masterPort,
    roleOf,
    async waitForReplica(port, timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const info = String(await respCommand(dataTarget(port), "INFO", "replication"));
          return /role:slave/.test(info) && /master_link_status:up/.test(info);
        },
        `:${port} to be an in-sync replica`,
        timeoutMs,
        100,
      );
    },
    waitForMaster,
    async killPrimary() {
      const port = await masterPort();
      const node = data.find((n) => n.port === port);
      if (!node) throw new Error(`the primary :${port} is not one of the harness's data nodes`);
      await node.process.kill("SIGKILL");
      return port;
    },
    async failover() {
      const [r] = await respCall(sentinelTarget(sentinels[0]!.port), [
        ["SENTINEL", "FAILOVER", masterName],
      ]);
      if (r instanceof RespError) throw new Error(`SENTINEL FAILOVER: ${r.message}`);
    },
    stop,
  };
}
