import { badInput } from "../common/errors.ts";
import type { Engine, HostPort, RedisMode } from "./profile.ts";
import { redactUrl } from "./url-secrets.ts";

export interface ParsedUrl {
  engine: Engine;
  mode: RedisMode;
  host: string;
  port: number;
  nodes?: HostPort[];
  sentinelMaster?: string;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

const SCHEMES: Record<string, { engine: Engine; mode: RedisMode; tls: boolean; port: number }> = {
  "redis:": { engine: "redis", mode: "standalone", tls: false, port: 6379 },
  "rediss:": { engine: "redis", mode: "standalone", tls: true, port: 6379 },
  "redis+cluster:": { engine: "redis", mode: "cluster", tls: false, port: 6379 },
  "rediss+cluster:": { engine: "redis", mode: "cluster", tls: true, port: 6379 },
  "redis+sentinel:": { engine: "redis", mode: "sentinel", tls: false, port: 26379 },
  "rediss+sentinel:": { engine: "redis", mode: "sentinel", tls: true, port: 26379 },
  "memcached:": { engine: "memcached", mode: "standalone", tls: false, port: 11211 },
};

const URL_HELP =
  "Use redis://[user:pass@]host:port[/db], rediss://..., redis+cluster://host:port[,host:port], " +
  "redis+sentinel://host:port[,host:port]/MASTER[/db] or memcached://host:port[,host:port].";

/**
 * Whether a piece of `url` may be quoted in a message: only text after the URL's last "@" (what
 * redactUrl leaves visible), never a piece that may hold part of a password.
 */
function showable(piece: string, url: string): boolean {
  return url.slice(url.lastIndexOf("@") + 1).includes(piece);
}

function parseHostPort(part: string, defaultPort: number, url: string): HostPort {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(part);
  if (!m) {
    const what = showable(part, url) ? `"${part}"` : "A host";
    throw badInput(`${what} in ${redactUrl(url)} is not host:port. ${URL_HELP}`);
  }
  const host = m[1]!.replace(/^\[|\]$/g, "");
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    const what = showable(m[2]!, url) ? `Port ${m[2]}` : "A port";
    throw badInput(`${what} in ${redactUrl(url)} is out of range: use 1 to 65535.`);
  }
  return { host, port };
}

/**
 * Parses the URL forms of docs/design/cli.md#connection-urls. Hosts lists are comma-separated, so
 * we do not use WHATWG URL.
 */
export function parseConnectionUrl(url: string): ParsedUrl {
  const m = /^([a-z+]+:)\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?$/i.exec(url.trim());
  if (!m) throw badInput(`"${redactUrl(url)}" is not a connection URL. ${URL_HELP}`);
  const scheme = SCHEMES[m[1]!.toLowerCase()];
  if (!scheme) throw badInput(`Unknown scheme "${m[1]}". ${URL_HELP}`);
  let username: string | undefined;
  let password: string | undefined;
  if (m[2] !== undefined && m[2] !== "") {
    const colon = m[2].indexOf(":");
    const user = colon < 0 ? m[2] : m[2].slice(0, colon);
    const pass = colon < 0 ? undefined : m[2].slice(colon + 1);
    try {
      if (user !== "") username = decodeURIComponent(user);
      if (pass !== undefined) password = decodeURIComponent(pass);
    } catch {
      throw badInput(`The user or password in the URL is not valid percent-encoding. ${URL_HELP}`);
    }
    // redis://:secret@host means a password with the default user, as redis-cli reads it.
  }
  const hosts = m[3]!.split(",").map((p) => parseHostPort(p.trim(), scheme.port, url));
  const path = (m[4] ?? "").split("/").filter((s) => s !== "");
  let db: number | undefined;
  let sentinelMaster: string | undefined;
  if (scheme.mode === "sentinel") {
    if (path.length === 0) throw badInput(`Sentinel URL needs the master name. ${URL_HELP}`);
    try {
      sentinelMaster = decodeURIComponent(path[0]!);
    } catch {
      throw badInput(`The master name in the URL is not valid percent-encoding. ${URL_HELP}`);
    }
    if (path[1] !== undefined) db = parseDb(path[1], url);
  } else if (path.length > 0) {
    if (scheme.engine === "memcached" || scheme.mode === "cluster") {
      throw badInput(`${m[1]} URLs take no path or database index. ${URL_HELP}`);
    }
    db = parseDb(path[0]!, url);
  }
  const first = hosts[0]!;
  const parsed: ParsedUrl = {
    engine: scheme.engine,
    mode: scheme.mode,
    host: first.host,
    port: first.port,
    tls: scheme.tls,
  };
  if (hosts.length > 1 || scheme.mode !== "standalone") parsed.nodes = hosts;
  if (sentinelMaster !== undefined) parsed.sentinelMaster = sentinelMaster;
  if (username !== undefined) parsed.username = username;
  if (password !== undefined) parsed.password = password;
  if (db !== undefined) parsed.db = db;
  return parsed;
}

function parseDb(s: string, url: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 15999) {
    const what = showable(s, url) ? `Database index "${s}"` : "The database index";
    throw badInput(`${what} in ${redactUrl(url)} must be a whole number like 0.`);
  }
  return n;
}

/** The URL of a profile, without its password (for display and for `profile show`). */
export function formatConnectionUrl(p: {
  engine: Engine;
  mode: RedisMode;
  host: string;
  port: number;
  nodes?: HostPort[];
  sentinelMaster?: string;
  username?: string;
  db?: number;
  tls?: unknown;
}): string {
  const hostList = (p.nodes && p.nodes.length > 0 ? p.nodes : [{ host: p.host, port: p.port }])
    .map((h) => (h.host.includes(":") ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`))
    .join(",");
  if (p.engine === "memcached") return `memcached://${hostList}`;
  const s = p.tls ? "rediss" : "redis";
  const user = p.username ? `${encodeURIComponent(p.username)}@` : "";
  if (p.mode === "cluster") return `${s}+cluster://${user}${hostList}`;
  if (p.mode === "sentinel") {
    const db = p.db ? `/${p.db}` : "";
    return `${s}+sentinel://${user}${hostList}/${encodeURIComponent(p.sentinelMaster ?? "")}${db}`;
  }
  return `${s}://${user}${p.host.includes(":") ? `[${p.host}]` : p.host}:${p.port}${p.db ? `/${p.db}` : ""}`;
}
