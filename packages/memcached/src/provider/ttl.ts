import { badInput } from "@cachify/core";

/**
 * Memcached reads an exptime up to 30 days (2,592,000 s) as seconds from now and anything larger
 * as an absolute unix time: a TTL of 31 days sent as is would mean a date in January 1970, and
 * the item would expire at once. Longer TTLs are therefore sent as now + ttl. The conversion uses
 * this machine's clock: a server whose clock is off shifts long TTLs by the same amount.
 */
export const RELATIVE_TTL_LIMIT_SECONDS = 2_592_000;
/** exptime is a signed 32-bit number on the server. */
const MAX_EXPTIME = 2_147_483_647;

/** The exptime for a positive TTL in seconds. */
export function exptimeFor(ttlSeconds: number, nowMs: number = Date.now()): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw badInput(`TTL ${ttlSeconds} is not valid: give whole seconds, 1 or more.`);
  }
  if (ttlSeconds <= RELATIVE_TTL_LIMIT_SECONDS) return ttlSeconds;
  const absolute = Math.floor(nowMs / 1000) + ttlSeconds;
  if (absolute > MAX_EXPTIME) {
    throw badInput(
      `TTL ${ttlSeconds} s reaches past 2038, beyond what memcached can store: use a shorter TTL ` +
        "or no expiry.",
    );
  }
  return absolute;
}

/** The T flag of `ms` for a set: no TTL (or -1) means no expiry (T0). */
export function setTtlFlag(ttlSeconds: number | undefined, nowMs?: number): string {
  if (ttlSeconds === undefined || ttlSeconds === -1) return "T0";
  if (ttlSeconds === 0) {
    throw badInput(
      "TTL 0 would store a key that expires at once: give 1 or more seconds, or -1 for no expiry.",
    );
  }
  return `T${exptimeFor(ttlSeconds, nowMs)}`;
}

/**
 * The T flag of `mg` for an expire: -1 removes the expiry (T0), 0 expires the key now (T-1, a
 * time in the past, as Redis EXPIRE 0 deletes), a positive TTL sets it.
 */
export function expireTtlFlag(ttlSeconds: number, nowMs?: number): string {
  if (ttlSeconds === -1) return "T0";
  if (ttlSeconds === 0) return "T-1";
  return `T${exptimeFor(ttlSeconds, nowMs)}`;
}

/** The T flag that keeps an item's remaining TTL (the `t` it reported; -1 for none). */
export function keptTtlFlag(t: string | undefined, nowMs?: number): string {
  const n = Number(t);
  if (t === undefined || !Number.isInteger(n) || n < 0) return "T0";
  // 0 s left: it expires this very second; keep it expiring rather than making it permanent.
  return `T${exptimeFor(Math.max(n, 1), nowMs)}`;
}

/** The `t` return flag of `mg` (seconds left, -1 for none) as ttlMs. */
export function ttlMsFromFlag(t: string | undefined): number {
  const n = Number(t);
  if (t === undefined || t === "" || !Number.isInteger(n)) return -1;
  return n < 0 ? -1 : n * 1000;
}
