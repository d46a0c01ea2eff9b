import type { MetricName } from "../../api/observability.ts";
import { formatCount } from "../../lib/format.ts";

const compact = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1, notation: "compact" });

export function formatBytesShort(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatMs(ms: number): string {
  if (ms === 0) return "0 ms";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${formatCount(Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatRatio(r: number): string {
  const p = r * 100;
  if (p === 0 || p === 100) return `${p}%`;
  return `${p < 10 ? p.toFixed(1) : p.toFixed(p >= 99.95 ? 2 : 1)}%`;
}

export function formatAmount(n: number): string {
  if (Math.abs(n) >= 10_000) return compact.format(n);
  if (Number.isInteger(n)) return formatCount(n);
  return n.toFixed(Math.abs(n) < 10 ? 2 : 1);
}

/** A metric's value in its unit (GET /api/observability/metrics). */
export function formatMetric(metric: MetricName | string, v: number): string {
  switch (metric) {
    case "used_memory_bytes":
      return formatBytesShort(v);
    case "hit_ratio":
    case "memory_used_ratio":
    case "app_error_ratio":
      return formatRatio(v);
    case "ping_ms":
    case "app_p50_ms":
    case "app_p95_ms":
    case "app_p99_ms":
      return formatMs(v);
    case "ops_per_sec":
      return `${formatAmount(v)}/s`;
    case "up":
    case "replication_link_up":
      return v >= 1 ? "up" : "down";
    case "health":
      return v === 0 ? "ok" : v === 1 ? "degraded" : v === 2 ? "down" : "unknown";
    default:
      return formatAmount(v);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30s", "5m", "1h", "0": a duration typed in a form; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === "0") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(t);
  if (!m) return undefined;
  const v = Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isFinite(v) ? Math.round(v) : undefined;
}

/** The shortest exact text for a duration in ms ("90s", "5m", "4h"). */
export function durationText(ms: number): string {
  if (ms === 0) return "0";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const hm = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const dayHm = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const full = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** An axis label for a bucket, as precise as the range needs. */
export function axisTime(ts: number, spanMs: number): string {
  if (spanMs <= 26 * 3_600_000) return hm.format(ts);
  if (spanMs <= 8 * 86_400_000) return dayHm.format(ts);
  return day.format(ts);
}

export function bucketTime(ts: number): string {
  return full.format(ts);
}

/** "3 min ago", "just now": how long since a time. */
export function ago(ts: number | undefined, now = Date.now()): string {
  if (ts === undefined) return "never";
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}
