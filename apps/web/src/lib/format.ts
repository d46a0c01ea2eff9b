import type { Environment, HistoryEvent } from "../api/types.ts";

const numberFormat = new Intl.NumberFormat("en-US");

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** TTL in seconds as the API sends it: -1 no expiry, -2 missing. */
export function formatTtl(ttl: number): string {
  if (ttl === -1) return "no expiry";
  if (ttl === -2) return "missing";
  if (ttl < 0) return "unknown";
  if (ttl < 60) return `${ttl}s`;
  const d = Math.floor(ttl / 86_400);
  const h = Math.floor((ttl % 86_400) / 3600);
  const m = Math.floor((ttl % 3600) / 60);
  const s = ttl % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return s > 0 ? `${m}m ${s}s` : `${m}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "";
  if (ms < 1) return "<1 ms";
  if (ms < 10_000) return `${formatCount(Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const dateFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** Today's events show the time only; older ones the date too. */
export function formatTime(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? timeFormat.format(d) : `${dateFormat.format(d)} ${timeFormat.format(d)}`;
}

export const ENV_ORDER: readonly Environment[] = ["prod", "staging", "dev"];

export const ENV_LABEL: Record<Environment, string> = {
  prod: "Production",
  staging: "Staging",
  dev: "Development",
};

export const ENV_SHORT: Record<Environment, string> = {
  prod: "PROD",
  staging: "STAGING",
  dev: "DEV",
};

/** The environments as a form lists them (dev first), each with its label. */
export const ENV_OPTIONS: readonly { value: Environment; label: string }[] = (
  ["dev", "staging", "prod"] as const
).map((env) => ({ value: env, label: ENV_LABEL[env] }));

/** The keys an event names, and how many more it touched ("a, b +3 more"). */
export function keysText(e: HistoryEvent): string {
  const keys = e.keys ?? [];
  const more = (e.keyCount ?? keys.length) - keys.length;
  return `${keys.join(", ")}${more > 0 ? ` +${formatCount(more)} more` : ""}`;
}
