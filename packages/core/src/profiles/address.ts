import type { ConnectionProfile } from "./profile.ts";

type Addressed = Pick<
  ConnectionProfile,
  "engine" | "mode" | "host" | "port" | "nodes" | "db" | "sentinelMaster"
>;

/** Lower case, no IPv6 brackets, no trailing dot: the spellings of one host name that never differ. */
function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  // The common host needs none of this: only bracketed IPv6 and a trailing dot are rewritten.
  return h.startsWith("[") || h.endsWith(".") ? h.replace(/^\[|\]$/g, "").replace(/\.$/, "") : h;
}

/**
 * Where a profile's commands land, one string per server it names: `redis host:port/db` for a
 * standalone server and for each cluster seed (db 0), `sentinel host:port/master/db` for each
 * sentinel, `memcached host:port` for each pool member. Two profiles that share one of these
 * reach the same data. Host names are compared as written (no DNS lookup).
 */
export function profileAddresses(p: Addressed): string[] {
  const servers = [{ host: p.host, port: p.port }, ...(p.nodes ?? [])];
  const out = new Set<string>();
  for (const s of servers) {
    const at = `${canonicalHost(s.host)}:${s.port}`;
    if (p.engine === "memcached") out.add(`memcached ${at}`);
    else if (p.mode === "sentinel")
      out.add(`sentinel ${at}/${p.sentinelMaster ?? ""}/${p.db ?? 0}`);
    else out.add(`redis ${at}/${p.mode === "cluster" ? 0 : (p.db ?? 0)}`);
  }
  return [...out];
}

/** True when both name the same servers (an address change, whatever else changed). */
export function sameAddresses(a: Addressed, b: Addressed): boolean {
  const x = profileAddresses(a);
  const y = new Set(profileAddresses(b));
  return x.length === y.size && x.every((s) => y.has(s));
}
