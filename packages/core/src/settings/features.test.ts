import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURES, mergeFeatures, parseSwitch } from "./features.ts";

describe("feature switches", () => {
  it("merges a partial change over the current switches", () => {
    expect(mergeFeatures(DEFAULT_FEATURES, { alerts: false })).toEqual({
      snapshots: true,
      metrics: true,
      alerts: false,
      retries: true,
    });
    expect(mergeFeatures(DEFAULT_FEATURES, {})).toEqual(DEFAULT_FEATURES);
  });

  it("refuses unknown switches, non-boolean values and non-objects with a clear message", () => {
    expect(() => mergeFeatures(DEFAULT_FEATURES, { snapshot: false })).toThrow(
      'Unknown feature switch "snapshot": use one of snapshots, metrics, alerts, retries.',
    );
    expect(() => mergeFeatures(DEFAULT_FEATURES, { metrics: 0 })).toThrow(
      "metrics must be true or false (got 0).",
    );
    expect(() => mergeFeatures(DEFAULT_FEATURES, null)).toThrow(/must be an object/);
    expect(() => mergeFeatures(DEFAULT_FEATURES, [true])).toThrow(/must be an object/);
  });

  it("reads on/off the way the command line types them", () => {
    expect(parseSwitch("retries", "OFF")).toBe(false);
    expect(parseSwitch("retries", "on")).toBe(true);
    expect(() => parseSwitch("retries", "maybe")).toThrow(
      'retries must be on or off (got "maybe").',
    );
  });
});
