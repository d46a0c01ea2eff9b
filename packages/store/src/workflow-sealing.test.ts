import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlanRecord, SavedTemplate } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { openStore } from "./open-store.ts";
import { useTempDirs } from "./test-support.ts";

const VALUE = "planted-warmup-value-4e1b";
const enc = (s: string) => new TextEncoder().encode(s);

const plan = (id: string, params: Record<string, unknown>): PlanRecord => ({
  planId: id,
  template: { builtin: "warmup-set", version: 1, name: "warmup-set" },
  params,
  policy: {} as PlanRecord["policy"],
  profileId: "prof_1",
  profileName: "p",
  environment: "dev",
  engine: "redis",
  createdAt: Date.now(),
  status: "ready",
  matched: 1,
  scanned: 1,
  complete: true,
  rollback: { coverage: "full", reason: "r" },
  estimatedDurationMs: 0,
  notes: [],
});

/** Every byte of the data folder: the database, its WAL and shared memory. */
const stored = (dir: string) =>
  Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));

describe("workflow records at rest", () => {
  const tempDir = useTempDirs();

  it("seals warm-up values, inline entries and presets: none in the database or its WAL", () => {
    const dir = tempDir();
    const store = openStore(dir);
    try {
      store.plans.create(plan("plan_w", { entries: [{ key: "k", value: VALUE }] }));
      const w = store.plans.writer("plan_w");
      w.append([{ key: enc("k"), value: enc(VALUE), ttlSeconds: 5 }]);
      w.flush();
      const t: SavedTemplate = {
        id: "tpl_1",
        name: "preset",
        builtin: "warmup-set",
        version: 1,
        params: { entries: [{ key: "k", value: VALUE }] },
        createdAt: 1,
        updatedAt: 1,
      };
      store.savedTemplates.save(t);
      // Everything reads back as it was written.
      expect(store.plans.get("plan_w")!.params).toEqual({ entries: [{ key: "k", value: VALUE }] });
      expect(new TextDecoder().decode(store.plans.items("plan_w", 0, 1)[0]!.value)).toBe(VALUE);
      expect(store.savedTemplates.get("preset")).toEqual(t);
      expect(stored(dir).includes(VALUE)).toBe(false);
    } finally {
      store.close();
    }
    expect(stored(dir).includes(VALUE)).toBe(false);
  });

  it("gives a plan to one execution only, whichever connection claims first", () => {
    const dir = tempDir();
    const a = openStore(dir);
    const b = openStore(dir);
    try {
      a.plans.create(plan("plan_c", {}));
      expect(b.plans.claim("plan_c", "exec_b")).toEqual({ claimed: true });
      expect(a.plans.claim("plan_c", "exec_a")).toEqual({ claimed: false, by: "exec_b" });
      // The claim shows in the record, whatever JSON a process saves afterwards.
      a.plans.save(plan("plan_c", {}));
      expect(a.plans.get("plan_c")!.executionId).toBe("exec_b");
      // Given back (its execution could not start), the plan can be claimed again.
      a.plans.release("plan_c", "exec_a");
      expect(a.plans.get("plan_c")!.executionId).toBe("exec_b");
      b.plans.release("plan_c", "exec_b");
      expect(a.plans.claim("plan_c", "exec_a")).toEqual({ claimed: true });
      expect(() => a.plans.claim("plan_missing", "exec_x")).toThrow(/No plan plan_missing/);
    } finally {
      a.close();
      b.close();
    }
  });
});
