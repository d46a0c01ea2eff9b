import type { EngineStats } from "@cachify/core";
import type { RedisContext } from "../context.ts";
import { keysInDb, parseInfo } from "../info.ts";

/** INFO keyspace lines: `db0:keys=12,expires=3,avg_ttl=1000`. */
const KEYSPACE = /^db\d+$/;

function parseKeyspace(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of line.split(",")) {
    const [k, v] = part.split("=");
    if (k && v !== undefined) out[k] = Number(v) || 0;
  }
  return out;
}

/**
 * INFO of the server (cluster: the first primary's, with the keyspace lines summed over every
 * primary). The profile's database always has a `dbN` line, even when it is empty and Redis omits
 * it, so the UI can show keys per database.
 */
export async function stats(ctx: RedisContext, db: number): Promise<EngineStats> {
  const nodes = ctx.primaries();
  const infos = ctx.cluster
    ? await Promise.all(nodes.map(async (n) => parseInfo(await n.info())))
    : [parseInfo(await nodes[0]!.info())];
  const fields = { ...infos[0]! };
  if (ctx.cluster) {
    for (const name of Object.keys(fields)) if (KEYSPACE.test(name)) delete fields[name];
    const sums = new Map<string, { keys: number; expires: number; ttlWeighted: number }>();
    for (const info of infos) {
      for (const [name, line] of Object.entries(info)) {
        if (!KEYSPACE.test(name)) continue;
        const v = parseKeyspace(line);
        const s = sums.get(name) ?? { keys: 0, expires: 0, ttlWeighted: 0 };
        s.keys += v.keys ?? 0;
        s.expires += v.expires ?? 0;
        s.ttlWeighted += (v.avg_ttl ?? 0) * (v.expires ?? 0);
        sums.set(name, s);
      }
    }
    for (const [name, s] of sums) {
      const avg = s.expires > 0 ? Math.round(s.ttlWeighted / s.expires) : 0;
      fields[name] = `keys=${s.keys},expires=${s.expires},avg_ttl=${avg}`;
    }
  }
  const dbName = `db${db}`;
  fields[dbName] ??= "keys=0,expires=0,avg_ttl=0";
  const keys = keysInDb(fields, db);
  const out: EngineStats = { engine: "redis", fields, keys };
  if (fields.redis_version) out.version = fields.redis_version;
  return out;
}
