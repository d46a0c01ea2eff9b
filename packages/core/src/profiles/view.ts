import type { ConnectionProfile, ProfileView } from "./profile.ts";
import { formatConnectionUrl } from "./url.ts";

export function profileView(p: ConnectionProfile, forced?: { reason: string }): ProfileView {
  const v: ProfileView = {
    id: p.id,
    name: p.name,
    engine: p.engine,
    mode: p.mode,
    host: p.host,
    port: p.port,
    hasPassword: p.password !== undefined,
    environment: p.environment,
    readOnly: p.readOnly,
    forcedReadOnly: forced !== undefined,
    timeoutMs: p.timeoutMs,
    connectTimeoutMs: p.connectTimeoutMs,
    retry: p.retry,
    url: formatConnectionUrl(p),
  };
  if (forced) v.forcedReadOnlyReason = forced.reason;
  if (p.nodes) v.nodes = p.nodes;
  if (p.sentinelMaster) v.sentinelMaster = p.sentinelMaster;
  if (p.mode === "sentinel") {
    if (p.sentinelUsername) v.sentinelUsername = p.sentinelUsername;
    v.hasSentinelPassword = p.sentinelPassword !== undefined;
  }
  if (p.username) v.username = p.username;
  if (p.db !== undefined) v.db = p.db;
  if (p.tls) {
    const { key, ...rest } = p.tls;
    v.tls = { ...rest, hasKey: key !== undefined };
  }
  if (p.color) v.color = p.color;
  const warnings = profileWarnings(p);
  if (warnings.length > 0) v.warnings = warnings;
  return v;
}

/** Settings that weaken the connection's security, in words the user can act on. */
export function profileWarnings(p: ConnectionProfile): string[] {
  const out: string[] = [];
  if (p.tls && !p.tls.rejectUnauthorized) {
    out.push(
      "TLS certificate verification is off (tls.rejectUnauthorized: false, --tls-skip-verify): traffic is encrypted but the server is not authenticated. Give tls.ca (--tls-ca FILE) instead for anything but a test server.",
    );
  }
  return out;
}
