import {
  type ConnectionProfile,
  type Engine,
  isCachifyError,
  type OperationGate,
  parseConnectionUrl,
} from "@cachify/core";
import type { ProfileService } from "./profile-service.ts";

/**
 * First run: which Redis or Memcached servers answer on this machine. Each candidate address is
 * probed with the test-connection path (an unsaved profile, a gated PING, then a gated `stats`
 * read for the version), with a short timeout and no retry; nothing is stored but the audit.
 */

export interface DetectCandidate {
  engine: Engine;
  host: string;
  port: number;
  tls?: boolean;
  /** Where the address came from: "default port", "REDIS_URL", "typed"... */
  source: string;
}

export type DetectStatus = "found" | "auth-required" | "not-found";

export interface DetectFinding {
  engine: Engine;
  host: string;
  port: number;
  address: string;
  /** The URL to save it with (never a password). */
  url: string;
  source: string;
  status: DetectStatus;
  version?: string;
  latencyMs?: number;
  /** Why it was not found (refused, timeout...), or what the server said. */
  reason?: string;
  message?: string;
  /** A name for the new profile that no saved profile has yet. */
  suggestedName: string;
  /** A saved profile already pointing there. */
  existing?: { id: string; name: string };
}

export const DEFAULT_PORTS: readonly DetectCandidate[] = [
  { engine: "redis", host: "127.0.0.1", port: 6379, source: "default port" },
  { engine: "memcached", host: "127.0.0.1", port: 11211, source: "default port" },
];

/** Most addresses probed in one request (defaults, hints and typed ones together). */
export const MAX_CANDIDATES = 16;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

function hostPorts(list: string, defaultPort: number): { host: string; port: number }[] {
  const out: { host: string; port: number }[] = [];
  for (const part of list.split(/[,\s]+/)) {
    const m = /^(\[[^\]]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(part.trim());
    if (!m) continue;
    const port = m[2] === undefined ? defaultPort : Number(m[2]);
    if (port >= 1 && port <= 65535) out.push({ host: m[1]!.replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/**
 * An address the user typed or a hint gave: a connection URL (its scheme names the engine) or
 * host:port (11211 means Memcached, anything else Redis first). Undefined when unreadable.
 */
export function candidateOf(text: string, source: string): DetectCandidate | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (t.includes("://")) {
    try {
      const u = parseConnectionUrl(t);
      if (u.mode !== "standalone") return undefined;
      return {
        engine: u.engine,
        host: u.host,
        port: u.port,
        source,
        ...(u.tls ? { tls: true } : {}),
      };
    } catch {
      return undefined;
    }
  }
  const [hp] = hostPorts(t, 6379);
  if (!hp) return undefined;
  return { engine: hp.port === 11211 ? "memcached" : "redis", ...hp, source };
}

/** The default ports plus what the environment hints at (REDIS_URL-style variables). */
export function detectCandidates(
  env: Record<string, string | undefined>,
  typed: string[] = [],
): DetectCandidate[] {
  const out: DetectCandidate[] = [...DEFAULT_PORTS];
  for (const name of ["REDIS_URL", "REDIS_TLS_URL", "CACHE_URL", "MEMCACHED_URL"]) {
    const v = env[name];
    const c = v ? candidateOf(v, name) : undefined;
    if (c) out.push(c);
  }
  if (env.REDIS_HOST || env.REDIS_PORT) {
    const port = Number(env.REDIS_PORT ?? 6379);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) {
      out.push({
        engine: "redis",
        host: env.REDIS_HOST || "127.0.0.1",
        port,
        source: "REDIS_HOST/REDIS_PORT",
      });
    }
  }
  for (const name of ["MEMCACHED_SERVERS", "MEMCACHE_SERVERS", "MEMCACHIER_SERVERS"]) {
    const v = env[name];
    if (!v) continue;
    for (const hp of hostPorts(v, 11211)) out.push({ engine: "memcached", ...hp, source: name });
  }
  for (const t of typed) {
    const c = candidateOf(t, "typed");
    if (c) out.push(c);
  }
  const seen = new Set<string>();
  return out
    .filter((c) => {
      const host = c.host === "localhost" ? "127.0.0.1" : c.host;
      // One server per address: the first candidate's engine wins (a hint before a guess).
      const id = `${host} ${c.port}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .slice(0, MAX_CANDIDATES);
}

// The engine branches below are about an address, not about what a provider can do: a candidate's
// URL scheme, its engine's standard port, a name to suggest, the retry of a Redis port that
// answered as something else. No provider exists for a candidate yet to ask capabilities of.

function urlOf(c: DetectCandidate): string {
  const host = c.host.includes(":") ? `[${c.host}]` : c.host;
  if (c.engine === "memcached") return `memcached://${host}:${c.port}`;
  return `${c.tls ? "rediss" : "redis"}://${host}:${c.port}`;
}

function nameFor(c: DetectCandidate, taken: Set<string>): string {
  const standard = c.engine === "memcached" ? 11211 : 6379;
  const base = LOOPBACK.has(c.host)
    ? `local ${c.engine}${c.port === standard ? "" : ` ${c.port}`}`
    : `${c.engine} ${c.host}:${c.port}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
  taken.add(name);
  return name;
}

function pointsAt(p: ConnectionProfile, c: DetectCandidate): boolean {
  if (p.engine !== c.engine) return false;
  const same = (h: string, port: number) =>
    port === c.port && (h === c.host || (LOOPBACK.has(h) && LOOPBACK.has(c.host)));
  return same(p.host, p.port) || (p.nodes ?? []).some((n) => same(n.host, n.port));
}

/** A short reason, the same words for both engines: refused, timeout, auth, not-redis... */
function reasonOf(e: unknown): string | undefined {
  if (!isCachifyError(e)) return undefined;
  const r = e.details?.reason;
  // Redis names reasons (refused, auth...), Memcached says them in words (connection refused).
  if (typeof r === "string" && /^[a-z-]+$/.test(r)) return r;
  if (/ECONNREFUSED|refused/i.test(`${r ?? ""} ${e.message}`)) return "refused";
  if (/timeout|timed out/i.test(`${r ?? ""} ${e.message}`)) return "timeout";
  if (typeof r === "string") return r;
  if (/NOAUTH|WRONGPASS|authentication/i.test(e.message)) return "auth";
  return e.code;
}

export async function detectServers(
  profiles: Pick<ProfileService, "list" | "probeUnsaved">,
  gate: OperationGate,
  candidates: DetectCandidate[],
  timeoutMs: number,
): Promise<DetectFinding[]> {
  const saved = profiles.list();
  const taken = new Set(saved.map((p) => p.name));
  const probe = async (c: DetectCandidate) => {
    const input = {
      name: `detect ${c.engine} ${c.host}:${c.port}`,
      engine: c.engine,
      host: c.host,
      port: c.port,
      ...(c.tls ? { tls: true } : {}),
      timeoutMs,
      connectTimeoutMs: timeoutMs,
    };
    return profiles.probeUnsaved(input, gate, "api");
  };
  const one = async (c: DetectCandidate): Promise<DetectFinding> => {
    let found = c;
    let outcome: (Partial<DetectFinding> & { status: DetectStatus }) | undefined;
    try {
      const r = await probe(c);
      outcome = {
        status: "found",
        latencyMs: r.latencyMs,
        ...(r.version ? { version: r.version } : {}),
      };
    } catch (e) {
      let reason = reasonOf(e);
      let error = e;
      if (reason === "not-redis" && c.engine === "redis") {
        // Something answers that is not Redis: Memcached on a Redis port is the usual case.
        const mc: DetectCandidate = { ...c, engine: "memcached" };
        try {
          const r = await probe(mc);
          found = mc;
          reason = undefined;
          error = undefined;
          outcome = {
            status: "found",
            latencyMs: r.latencyMs,
            ...(r.version ? { version: r.version } : {}),
          };
        } catch {
          // Report the first answer: the port is taken by something we do not speak.
        }
      }
      outcome ??= {
        status: reason === "auth" ? "auth-required" : "not-found",
        ...(reason ? { reason } : {}),
        ...(error instanceof Error ? { message: error.message } : {}),
      };
    }
    const existing = saved.find((p) => pointsAt(p, found));
    return {
      engine: found.engine,
      host: found.host,
      port: found.port,
      address: `${found.host}:${found.port}`,
      url: urlOf(found),
      source: found.source,
      suggestedName: "",
      ...outcome,
      ...(existing ? { existing: { id: existing.id, name: existing.name } } : {}),
    };
  };
  const findings = await Promise.all(candidates.map(one));
  // Names are handed out in order, after every probe, so two finds never get the same one.
  for (const f of findings) {
    if (f.status !== "not-found") f.suggestedName = nameFor(f, taken);
  }
  return findings;
}
