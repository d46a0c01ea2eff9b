import type { MetricName, SeriesAnswer } from "../../api/observability.ts";
import type { LivePoint } from "../../api/observability-hooks.ts";

/** Per-poll counts add up inside a bucket; levels average; tail latencies take the worst. */
const COUNTS = new Set<string>([
  "rejected_connections",
  "evicted_keys",
  "expired_keys",
  "hits",
  "misses",
  "engine_errors",
  "app_ops",
  "app_errors",
]);
const WORST = new Set<string>(["app_p95_ms", "app_p99_ms"]);

export interface Frame {
  from: number;
  to: number;
  stepMs: number;
  timestamps: number[];
  /** Leading buckets of the answer left out because the range has slid past them. */
  offset: number;
}

/**
 * The chart's buckets: the stored ones, extended to now so pushed points land in the bucket of
 * their time, and the range slides forward while the window stays open.
 */
export function frameOf(answer: SeriesAnswer | undefined, now: number): Frame | undefined {
  if (!answer) return undefined;
  const { from, to, stepMs } = answer.range;
  const all = [...answer.timestamps];
  let last = all.at(-1) ?? from - (from % stepMs) - stepMs;
  while (last + stepMs <= now) {
    last += stepMs;
    all.push(last);
  }
  const end = Math.max(now, to);
  const start = end - (to - from);
  let offset = 0;
  while (offset < all.length - 1 && all[offset]! + stepMs <= start) offset++;
  return { from: start, to: end, stepMs, timestamps: all.slice(offset), offset };
}

function reduce(metric: string, xs: number[]): number | null {
  if (xs.length === 0) return null;
  if (COUNTS.has(metric)) return xs.reduce((a, b) => a + b, 0);
  if (WORST.has(metric)) return Math.max(...xs);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * One metric of one profile per bucket of the frame: the stored rollup, and for buckets the
 * store has no value for yet (the current minute), the live points pushed since the window opened.
 */
export function valuesOf(
  answer: SeriesAnswer | undefined,
  frame: Frame,
  profileId: string,
  metric: MetricName,
  live: readonly LivePoint[],
): (number | null)[] {
  const stored = answer?.series.find((s) => s.profileId === profileId && s.metric === metric);
  const out: (number | null)[] = frame.timestamps.map(
    (_, i) => stored?.values[i + frame.offset] ?? null,
  );
  if (live.length === 0) return out;
  const first = frame.timestamps[0] ?? frame.from;
  const step = frame.stepMs;
  const buckets = new Map<number, number[]>();
  for (const p of live) {
    const v = p.values[metric];
    if (v === undefined || !Number.isFinite(v)) continue;
    const i = Math.floor((p.ts - first) / step);
    if (i < 0 || i >= out.length || out[i] !== null) continue;
    const xs = buckets.get(i);
    if (xs) xs.push(v);
    else buckets.set(i, [v]);
  }
  for (const [i, xs] of buckets) out[i] = reduce(metric, xs);
  return out;
}

/** Bucket-wise sum of several series (null where all are null). */
export function sumValues(...rows: (number | null)[][]): (number | null)[] {
  const n = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: n }, (_, i) => {
    let any = false;
    let s = 0;
    for (const r of rows) {
      const v = r[i];
      if (v !== null && v !== undefined) {
        any = true;
        s += v;
      }
    }
    return any ? s : null;
  });
}
