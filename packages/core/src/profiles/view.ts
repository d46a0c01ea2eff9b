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
  if (p.username) v.username = p.username;
  if (p.db !== undefined) v.db = p.db;
  if (p.tls) {
    const { key, ...rest } = p.tls;
    v.tls = { ...rest, hasKey: key !== undefined };
  }
  if (p.color) v.color = p.color;
  return v;
}
