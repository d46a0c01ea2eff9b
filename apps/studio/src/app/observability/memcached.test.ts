import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MemcachedServer, startMemcached } from "../../../../../test/harness/index.ts";
import { eventually, RecordingDesktop } from "./test-support.ts";

/** Memcached: evictions become a (throttled) timeline event; a restart resets counters cleanly. */
describe("collector on memcached", () => {
  let mc: MemcachedServer;
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-mc-obs-"));

  beforeAll(async () => {
    mc = await startMemcached({ memoryMb: 2 });
    studio = await startStudio({
      dataDir,
      port: 0,
      collector: { desktop: new RecordingDesktop() },
    });
    studio.app.observability.updateSettings({ pollIntervalMs: 250 });
    studio.app.profiles.create({ name: "small-mc", url: mc.url });
  });
  afterAll(async () => {
    await studio?.close();
    await mc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports evictions once per burst, and a restart without negative deltas", async () => {
    const p = studio.app.profiles.resolve("small-mc");
    const card = () => studio.app.observability.healthCards().find((c) => c.profileId === p.id)!;
    await eventually(() => (card().health === "ok" ? true : undefined), "first poll");
    const value = new Uint8Array(100_000).fill(120);
    for (let i = 0; i < 60; i++) {
      await studio.app.gate.run(
        p,
        { kind: "set", key: new TextEncoder().encode(`big:${i}`), value },
        { origin: "cli" },
      );
    }
    const evictions = await eventually(
      () =>
        studio.app.observability
          .timeline({ sources: ["stats"], limit: 20 })
          .events.find((e) => e.kind === "evictions"),
      "an evictions event",
    );
    expect(evictions.count).toBeGreaterThan(0);
    expect(evictions.message).toMatch(/keys? evicted/);
    // The studio's own sets are app metrics (not the collector's polls).
    // The sets reach the live series with the next poll.
    const sum = (m: "app_ops" | "evicted_keys") =>
      studio.app.observability.livePoints(p.id).reduce((s, x) => s + (x.values[m] ?? 0), 0);
    await eventually(() => (sum("app_ops") >= 60 ? true : undefined), "the sets in app metrics");
    expect(sum("app_ops")).toBe(60);
    expect(sum("evicted_keys")).toBeGreaterThan(0);

    await mc.restart();
    await eventually(
      () =>
        studio.app.observability
          .timeline({ sources: ["stats"], limit: 20 })
          .events.find((e) => e.kind === "restart"),
      "a restart event",
    );
    for (const x of studio.app.observability.livePoints(p.id)) {
      for (const v of Object.values(x.values)) expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(card().health).toBe("ok");
    expect(card().events.slowlog).toMatchObject({ enabled: false });

    // Closing keeps the current (partial) minute: the rollups hold the polls and the app's sets.
    await studio.close();
    studio = await startStudio({ dataDir, port: 0, collector: false });
    const ops = studio.app.observability.operations({ range: "1h" });
    expect(ops.kinds.find((k) => k.kind === "set")).toMatchObject({ ops: 60, errors: 0 });
    const series = studio.app.observability.series({
      range: "1h",
      metrics: ["evicted_keys", "up", "app_ops"],
    });
    const total = (m: string) =>
      series.series.find((x) => x.metric === m)!.values.reduce<number>((s, v) => s + (v ?? 0), 0);
    expect(total("evicted_keys")).toBeGreaterThan(0);
    expect(total("app_ops")).toBe(60);
    const up = series.series.find((x) => x.metric === "up")!.values.filter((v) => v !== null);
    expect(up.length).toBeGreaterThan(0);
    expect(up.every((v) => v === 1)).toBe(true);
  });
});
