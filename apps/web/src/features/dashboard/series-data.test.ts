import { describe, expect, it } from "vitest";
import type { SeriesAnswer } from "../../api/observability.ts";
import { durationText, formatMetric, parseDuration } from "./format.ts";
import { frameOf, sumValues, valuesOf } from "./series-data.ts";

const MIN = 60_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % MIN);

function answer(values: (number | null)[]): SeriesAnswer {
  return {
    range: { from: T0, to: T0 + values.length * MIN, stepMs: MIN },
    timestamps: values.map((_, i) => T0 + i * MIN),
    series: [{ profileId: "p", metric: "ops_per_sec", values }],
  };
}

describe("dashboard series", () => {
  it("extends the stored buckets to now and slides the range with it", () => {
    const a = answer([1, 2, 3]);
    const frame = frameOf(a, T0 + 4 * MIN + 10_000)!;
    expect(frame.timestamps).toEqual([T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN, T0 + 4 * MIN]);
    expect(frame.offset).toBe(1);
    expect(frame.to - frame.from).toBe(3 * MIN);
    expect(valuesOf(a, frame, "p", "ops_per_sec", [])).toEqual([2, 3, null, null]);
  });

  it("fills the buckets not stored yet from the pushed points: levels average, counts add up", () => {
    const a = answer([5, null]);
    const frame = frameOf(a, T0 + MIN + 30_000)!;
    const live = [
      { ts: T0 + 10_000, values: { ops_per_sec: 100, app_ops: 1 } },
      { ts: T0 + MIN + 1000, values: { ops_per_sec: 4, app_ops: 2 } },
      { ts: T0 + MIN + 2000, values: { ops_per_sec: 8, app_ops: 3 } },
    ];
    // The stored value wins where there is one.
    expect(valuesOf(a, frame, "p", "ops_per_sec", live)).toEqual([5, 6]);
    expect(valuesOf(a, frame, "p", "app_ops", live)).toEqual([1, 5]);
    expect(sumValues([1, null, null], [2, 3, null])).toEqual([3, 3, null]);
  });

  it("reads and writes the durations of the rule form", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration(" 5m ")).toBe(300_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("5")).toBeUndefined();
    expect(parseDuration("soon")).toBeUndefined();
    expect(durationText(4 * 3_600_000)).toBe("4h");
    expect(durationText(90_000)).toBe("90s");
    expect(durationText(1500)).toBe("1500ms");
    expect(formatMetric("hit_ratio", 0.6667)).toBe("66.7%");
    expect(formatMetric("up", 0)).toBe("down");
    expect(formatMetric("used_memory_bytes", 1_153_434)).toBe("1.1 MiB");
  });
});
