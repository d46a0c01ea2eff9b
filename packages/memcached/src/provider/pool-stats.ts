import type { EngineStats } from "@cachify/core";

/** Counters that add up across a pool (the pool holds the sum). */
const ADDITIVE = new Set([
  "curr_items",
  "total_items",
  "bytes",
  "limit_maxbytes",
  "curr_connections",
  "total_connections",
  "max_connections",
  "rejected_connections",
  "listen_disabled_num",
  "evictions",
  "expired_unfetched",
  "evicted_unfetched",
  "reclaimed",
  "get_hits",
  "get_misses",
  "get_expired",
  "get_flushed",
  "cmd_get",
  "cmd_set",
  "cmd_touch",
  "cmd_flush",
  "delete_hits",
  "delete_misses",
  "touch_hits",
  "touch_misses",
  "bytes_read",
  "bytes_written",
]);

export interface ServerStats {
  address: string;
  stats: Record<string, string>;
}

/**
 * The `stats` of one server as is; for a pool, the sum of the additive counters, the other
 * fields from the first server, and every server's own fields as `<host:port>/<name>`.
 */
export function poolStats(perServer: ServerStats[]): EngineStats {
  const first = perServer[0]!;
  const versions = [
    ...new Set(perServer.map((s) => s.stats.version).filter((v) => v !== undefined)),
  ];
  const fields: Record<string, string> = { ...first.stats };
  if (perServer.length > 1) {
    for (const name of ADDITIVE) {
      const values = perServer.map((s) => s.stats[name]);
      if (values.every((v) => v !== undefined && /^\d+$/.test(v))) {
        fields[name] = String(values.reduce((sum, v) => sum + Number(v), 0));
      }
    }
    fields.servers = String(perServer.length);
    for (const s of perServer) {
      for (const [name, value] of Object.entries(s.stats)) fields[`${s.address}/${name}`] = value;
    }
  }
  const stats: EngineStats = { engine: "memcached", fields };
  if (versions.length > 0) stats.version = versions.join(", ");
  if (fields.curr_items !== undefined && /^\d+$/.test(fields.curr_items)) {
    stats.keys = Number(fields.curr_items);
  }
  return stats;
}
