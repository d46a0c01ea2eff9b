import type { OperationSpec } from "../operations/classify.ts";
import { sameAddresses } from "../profiles/address.ts";
import { type ConnectionProfile, ENVIRONMENTS } from "../profiles/profile.ts";
import { formatConnectionUrl } from "../profiles/url.ts";

/**
 * A change that lowers a profile's protection is guarded like a destructive operation on it: the
 * confirmation its CURRENT environment asks for (prod: the name typed; dev and staging: Settings →
 * Guardrails). Raising protection (dev → prod, read-only on) asks nothing.
 */
export const PROTECTION_CHANGE_SPEC: OperationSpec = {
  class: "destructive",
  idempotent: true,
  bulk: false,
};

/** What in `next` lowers the protection `current` has, in words ("environment prod → dev"). */
export function loweredProtection(current: ConnectionProfile, next: ConnectionProfile): string[] {
  const out: string[] = [];
  const rank = (p: ConnectionProfile) => ENVIRONMENTS.indexOf(p.environment);
  if (rank(next) < rank(current)) {
    out.push(`environment ${current.environment} → ${next.environment}`);
  }
  if (current.readOnly && !next.readOnly) out.push("read-only on → off");
  // Encryption and the server's identity protect every environment's password and data in flight.
  if (current.tls && !next.tls) out.push("TLS on → off");
  else if (verifies(current) && next.tls && !verifies(next))
    out.push("TLS certificate verification on → off");
  // On prod the address is what the typed name stands for: pointing it elsewhere is guarded too.
  if (current.environment === "prod" && !samePlace(current, next)) {
    out.push(`address ${formatConnectionUrl(current)} → ${formatConnectionUrl(next)}`);
  }
  return out;
}

/**
 * What changes from `current` to `next`, in words for the audit (never a secret's value):
 * `name "a" → "b"`, `environment prod → dev`, `address … → …`, then other fields by name.
 */
export function profileChanges(current: ConnectionProfile, next: ConnectionProfile): string[] {
  const out: string[] = [];
  if (current.name !== next.name) out.push(`name "${current.name}" → "${next.name}"`);
  if (current.environment !== next.environment)
    out.push(`environment ${current.environment} → ${next.environment}`);
  if (current.readOnly !== next.readOnly)
    out.push(`read-only ${current.readOnly ? "on" : "off"} → ${next.readOnly ? "on" : "off"}`);
  const from = formatConnectionUrl(current);
  const to = formatConnectionUrl(next);
  if (from !== to) out.push(`address ${from} → ${to}`);
  const a = current as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (LISTED_ABOVE.has(k) || (from !== to && IN_ADDRESS.has(k))) continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(k);
  }
  return out;
}

const LISTED_ABOVE = new Set(["id", "name", "environment", "readOnly", "createdAt", "updatedAt"]);
/** What formatConnectionUrl shows: named once, as the address. */
const IN_ADDRESS = new Set(["engine", "mode", "host", "port", "nodes", "sentinelMaster", "db"]);

/** Removing a prod profile is guarded; other removals are not (they lower nothing). */
export function removalIsGuarded(profile: ConnectionProfile): boolean {
  return profile.environment === "prod";
}

function samePlace(a: ConnectionProfile, b: ConnectionProfile): boolean {
  return a.engine === b.engine && a.mode === b.mode && sameAddresses(a, b);
}

const verifies = (p: ConnectionProfile) =>
  p.tls !== undefined && p.tls.rejectUnauthorized !== false;
