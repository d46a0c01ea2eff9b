import {
  type ConnectionProfile,
  type EngineStats,
  type OperationGate,
  requiredLevel,
} from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { App } from "../../composition/open-app.ts";
import { parse } from "../parse.ts";
import { profileParam } from "../schemas.ts";

/**
 * What the server says about itself: INFO (or memcached stats) grouped by section, keys per
 * database, the slow log (redacted by the provider), the engine's capabilities, and how the
 * server's command table classifies a console command. All reads through the gate.
 */

const SlowlogQuery = z.object({ count: z.coerce.number().int().min(1).max(1000).optional() });
const ClassifyQuery = z.object({ command: z.string().min(1).max(100) });

export interface InfoSection {
  name: string;
  fields: [string, string][];
}

/** INFO sections of Redis 7 by field name (INFO as parsed by the provider has no headers). */
const REDIS_SECTIONS: [string, RegExp][] = [
  ["Keyspace", /^db\d+$/],
  ["Errorstats", /^errorstat_/],
  ["Latencystats", /^latency_percentiles_usec_/],
  ["Commandstats", /^cmdstat_/],
  ["CPU", /^used_cpu_/],
  ["Cluster", /^cluster_enabled$/],
  [
    "Replication",
    /^(role|connected_slaves|slave\d+|master_|second_repl_offset|repl_backlog_|slave_(repl_offset|priority|read_only|read_repl_offset)|replica_announced|min_slaves_good_slaves)/,
  ],
  [
    "Persistence",
    /^(loading|async_loading|current_cow|current_fork_perc|current_save_keys|rdb_|aof_|module_fork_)/,
  ],
  [
    "Memory",
    /^(used_memory|maxmemory|mem_|allocator_|total_system_memory|lazyfree|lazyfreed_objects|rss_overhead|active_defrag_running|number_of_cached_scripts)/,
  ],
  [
    "Clients",
    /^(connected_clients|cluster_connections|maxclients|client_recent_|blocked_clients|tracking_clients|clients_in_timeout_table)/,
  ],
  [
    "Server",
    /^(redis_|valkey_|server_name|os$|arch_bits|monotonic_clock|multiplexing_api|atomicvar_api|gcc_version|process_|run_id|tcp_port|server_time_usec|uptime_|hz$|configured_hz|lru_clock|executable|config_file|io_threads_active|listener)/,
  ],
  [
    "Stats",
    /^(total_|instantaneous_|rejected_connections|sync_|expired_|evicted_|keyspace_|pubsub_|latest_fork_usec|migrate_cached_sockets|slave_expires_tracked_keys|active_defrag_|tracking_|unexpected_error_replies|dump_payload_sanitizations|io_threaded_|reply_buffer_|current_eviction_|current_active_defrag_time)/,
  ],
];
const REDIS_ORDER = [
  "Server",
  "Clients",
  "Memory",
  "Persistence",
  "Stats",
  "Replication",
  "CPU",
  "Cluster",
  "Keyspace",
  "Errorstats",
  "Latencystats",
  "Commandstats",
  "Other",
];

export function groupInfo(stats: EngineStats): InfoSection[] {
  const groups = new Map<string, [string, string][]>();
  const add = (section: string, name: string, value: string) => {
    const g = groups.get(section);
    if (g) g.push([name, value]);
    else groups.set(section, [[name, value]]);
  };
  for (const [name, value] of Object.entries(stats.fields)) {
    // Presentation of the stats answer, not a capability: each engine names its fields its own
    // way (a Memcached pool prefixes each server's), so each is grouped by its own rule.
    if (stats.engine === "memcached") {
      // A pool reports each server's own fields as "<host:port>/<name>".
      const slash = name.indexOf("/");
      if (slash > 0) add(`Server ${name.slice(0, slash)}`, name.slice(slash + 1), value);
      else add("Stats", name, value);
      continue;
    }
    const section = REDIS_SECTIONS.find(([, re]) => re.test(name))?.[0] ?? "Other";
    add(section, name, value);
  }
  const rank = (n: string) => {
    const i = REDIS_ORDER.indexOf(n);
    return i < 0 ? REDIS_ORDER.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, fields]) => ({ name, fields }));
}

/** Keys per database from the keyspace lines (`db0:keys=12,expires=3,avg_ttl=1000`). */
export function keyspaceOf(stats: EngineStats) {
  const out: { db: number; keys: number; expires: number; avgTtlMs: number }[] = [];
  for (const [name, line] of Object.entries(stats.fields)) {
    const m = /^db(\d+)$/.exec(name);
    if (!m) continue;
    const v: Record<string, number> = {};
    for (const part of line.split(",")) {
      const [k, n] = part.split("=");
      if (k && n !== undefined) v[k] = Number(n) || 0;
    }
    out.push({
      db: Number(m[1]),
      keys: v.keys ?? 0,
      expires: v.expires ?? 0,
      avgTtlMs: v.avg_ttl ?? 0,
    });
  }
  return out.sort((a, b) => a.db - b.db);
}

async function serverInfo(gate: Pick<OperationGate, "run">, profile: ConnectionProfile) {
  const stats = await gate.run(profile, { kind: "stats" }, { origin: "api" });
  return {
    engine: stats.engine,
    ...(stats.version !== undefined ? { version: stats.version } : {}),
    ...(stats.keys !== undefined ? { keys: stats.keys } : {}),
    db: profile.db ?? 0,
    sections: groupInfo(stats),
    // The keyspace lines (db0:keys=...) are Redis's INFO format: the answer's shape, as above.
    keyspace: stats.engine === "redis" ? keyspaceOf(stats) : [],
  };
}

export function registerServerInfoRoutes(server: FastifyInstance, app: App): void {
  const profileOf = profileParam(app.profiles);

  server.get("/api/profiles/:id/server-info", async (req) =>
    serverInfo(app.gate, profileOf(req.params)),
  );

  server.get("/api/profiles/:id/slowlog", async (req) => {
    const profile = profileOf(req.params);
    const { count } = parse(SlowlogQuery, req.query, "query");
    const entries = await app.gate.run(
      profile,
      { kind: "slowlog", count: count ?? 50 },
      { origin: "api" },
    );
    return { entries };
  });

  server.get("/api/profiles/:id/capabilities", async (req) => {
    const profile = profileOf(req.params);
    return app.profiles.capabilities(profile);
  });

  // How a console command would be classified and guarded, before it is run: from the server's
  // own command table (COMMAND INFO, a read through the gate). Only the command name is sent.
  server.get("/api/profiles/:id/command-class", async (req) => {
    const profile = profileOf(req.params);
    const { command } = parse(ClassifyQuery, req.query, "query");
    // The command and, for containers (CONFIG GET), the subcommand word: nothing after them.
    const words = command.trim().split(/\s+/).slice(0, 2);
    const spec = await app.gate.classify(
      profile,
      { kind: "raw", args: words.map((w) => new TextEncoder().encode(w)) },
      { origin: "api" },
    );
    const readOnly = app.profiles.view(profile);
    return {
      command: "command" in spec ? spec.command : command.toLowerCase(),
      class: spec.class,
      ...("reason" in spec ? { reason: spec.reason } : {}),
      bulk: spec.bulk,
      guard: spec.bulk
        ? "plan-required"
        : requiredLevel(profile, spec, true, app.store.guardrails.get()),
      readOnly: spec.class !== "read" && (readOnly.readOnly || readOnly.forcedReadOnly),
    };
  });
}
