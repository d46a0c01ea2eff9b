import type { KindStats } from "./metrics.ts";

/** Nearest-rank percentile of sorted numbers; undefined when there are none. */
export function percentileOf(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round3 = (n: number | undefined) =>
  n === undefined ? undefined : Math.round(n * 1000) / 1000;

/**
 * Durations and errors of one operation kind over a window. Keeps at most `cap` durations
 * (reservoir sampling beyond that), so percentiles stay cheap under any load; counts are exact.
 */
export class KindWindow {
  ops = 0;
  errors = 0;
  maxMs = 0;
  private readonly durations: number[] = [];

  constructor(
    private readonly cap = 4096,
    private readonly random: () => number = Math.random,
  ) {}

  add(durationMs: number, failed: boolean): void {
    this.ops++;
    if (failed) this.errors++;
    if (durationMs > this.maxMs) this.maxMs = durationMs;
    if (this.durations.length < this.cap) this.durations.push(durationMs);
    else {
      const i = Math.floor(this.random() * this.ops);
      if (i < this.cap) this.durations[i] = durationMs;
    }
  }

  /** Adds another window of the same kind (percentiles then come from both samples). */
  merge(other: KindWindow): void {
    for (const d of other.durations) {
      if (this.durations.length < this.cap) this.durations.push(d);
    }
    this.ops += other.ops;
    this.errors += other.errors;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  sample(): readonly number[] {
    return this.durations;
  }

  stats(): KindStats {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const s: KindStats = { ops: this.ops, errors: this.errors };
    if (sorted.length > 0) {
      s.p50Ms = round3(percentileOf(sorted, 50));
      s.p95Ms = round3(percentileOf(sorted, 95));
      s.p99Ms = round3(percentileOf(sorted, 99));
      s.maxMs = round3(this.maxMs);
    }
    return s;
  }
}

/** App metrics of one profile over a window, per operation kind, plus the whole. */
export class AppWindow {
  readonly kinds = new Map<string, KindWindow>();

  constructor(private readonly cap = 4096) {}

  add(kind: string, durationMs: number, failed: boolean): void {
    let w = this.kinds.get(kind);
    if (!w) {
      w = new KindWindow(this.cap);
      this.kinds.set(kind, w);
    }
    w.add(durationMs, failed);
  }

  get empty(): boolean {
    return this.kinds.size === 0;
  }

  /** Totals over every kind: counts exact, percentiles from the kinds' samples together. */
  total(): KindStats {
    const all = new KindWindow(Number.MAX_SAFE_INTEGER);
    for (const w of this.kinds.values()) all.merge(w);
    return all.stats();
  }

  byKind(): Record<string, KindStats> {
    const out: Record<string, KindStats> = {};
    for (const [kind, w] of this.kinds) out[kind] = w.stats();
    return out;
  }
}
