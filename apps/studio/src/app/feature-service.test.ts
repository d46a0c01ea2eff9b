import { DEFAULT_FEATURES, type FeatureSwitches, mergeFeatures } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { FeatureService, type FeatureStore } from "./feature-service.ts";

function memoryStore(): FeatureStore & { saved: FeatureSwitches } {
  return {
    saved: { ...DEFAULT_FEATURES },
    get() {
      return { ...this.saved };
    },
    update(input) {
      this.saved = mergeFeatures(this.saved, input);
      return { ...this.saved };
    },
  };
}

describe("FeatureService", () => {
  it("CACHIFY_SNAPSHOTS=off holds snapshots off whatever is saved, and says so", () => {
    const f = new FeatureService(memoryStore(), "/data", { CACHIFY_SNAPSHOTS: "off" });
    expect(f.current().snapshots).toBe(false);
    const v = f.update({ snapshots: true });
    expect(v.saved.snapshots).toBe(true);
    expect(v.features.snapshots).toBe(false);
    expect(v.overrides.snapshots).toMatch(/CACHIFY_SNAPSHOTS=off/);
    expect(f.snapshotsOffReason()).toMatch(/CACHIFY_SNAPSHOTS=off .*"snapshots" setting/);
  });

  it("names the setting as the reason when the saved switch turned snapshots off", () => {
    const f = new FeatureService(memoryStore(), "/data", {});
    expect(f.snapshotsOffReason()).toBeUndefined();
    f.update({ snapshots: false });
    expect(f.snapshotsOffReason()).toMatch(/the "snapshots" setting is off/);
  });

  it("re-reads a change saved by another process once the last read is older than maxAgeMs", () => {
    const store = memoryStore();
    let now = 0;
    const f = new FeatureService(store, "/data", {}, 1000, () => now);
    const heard: [boolean, boolean][] = [];
    f.onChange((next, before) => heard.push([before.retries, next.retries]));
    store.saved = { ...store.saved, retries: false }; // written by the CLI
    now = 999;
    expect(f.current().retries).toBe(true);
    now = 1000;
    expect(f.current().retries).toBe(false);
    expect(heard).toEqual([[true, false]]);
    now = 5000;
    f.current(); // nothing changed: no second notice
    expect(heard).toHaveLength(1);
  });
});
