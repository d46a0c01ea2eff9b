import type { PlanItem, PlanRecord, WorkflowExecutionRecord } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { openStore } from "./open-store.ts";
import { CHUNK_ITEMS, decodeChunk, encodeChunk } from "./plan-codec.ts";
import { useTempDirs } from "./test-support.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const plan = (id: string, createdAt = Date.now()): PlanRecord => ({
  planId: id,
  template: { builtin: "delete-by-pattern", version: 1, name: "delete-by-pattern" },
  params: { pattern: "*" },
  policy: {} as PlanRecord["policy"],
  profileId: "prof_1",
  profileName: "p",
  environment: "dev",
  engine: "redis",
  createdAt,
  status: "building",
  matched: 0,
  scanned: 0,
  complete: false,
  rollback: { coverage: "none", reason: "off" },
  estimatedDurationMs: 0,
  notes: [],
});

describe("workflow store", () => {
  const tempDir = useTempDirs();

  it("encodes plan items compactly and back, every field", () => {
    const items: PlanItem[] = [
      { key: enc("a") },
      { key: new Uint8Array([0, 255, 10]), node: 3, ttlMs: -1, ttlSeconds: 600 },
      { key: enc("w"), value: enc("v".repeat(300)), existed: false, ttlSeconds: 5 },
      { key: enc("x"), ttlMs: 123_456_789_012, existed: true },
    ];
    expect(decodeChunk(encodeChunk(items))).toEqual(items);
  });

  it("stores a plan's keys in chunks and pages any slice without reading the rest", () => {
    const store = openStore(tempDir());
    try {
      store.plans.create(plan("plan_a"));
      const w = store.plans.writer("plan_a");
      const n = CHUNK_ITEMS * 3 + 17;
      for (let i = 0; i < n; i += 100) {
        w.append(
          Array.from({ length: Math.min(100, n - i) }, (_, j) => ({ key: enc(`k:${i + j}`) })),
        );
      }
      expect(w.written).toBe(CHUNK_ITEMS * 3);
      w.flush();
      expect(w.written).toBe(n);
      expect(store.plans.items("plan_a", 0, 3).map((i) => dec(i.key))).toEqual([
        "k:0",
        "k:1",
        "k:2",
      ]);
      const mid = store.plans.items("plan_a", CHUNK_ITEMS - 2, 5).map((i) => dec(i.key));
      expect(mid).toEqual([254, 255, 256, 257, 258].map((x) => `k:${x - (256 - CHUNK_ITEMS)}`));
      expect(store.plans.items("plan_a", n - 2, 10)).toHaveLength(2);
      expect(store.plans.items("plan_a", n + 5, 10)).toEqual([]);
      const p = store.plans.get("plan_a")!;
      p.status = "ready";
      store.plans.save(p);
      expect(store.plans.list({}).map((x) => x.status)).toEqual(["ready"]);
      expect(store.plans.purgeItems(Date.now() + 1)).toBeGreaterThan(0);
      expect(store.plans.items("plan_a", 0, 10)).toEqual([]);
      expect(store.plans.get("plan_a")).toBeDefined();
    } finally {
      store.close();
    }
  });

  it("keeps executions and their attempts; a reopened store marks running ones interrupted", () => {
    const dir = tempDir();
    let store = openStore(dir);
    const record = {
      executionId: "exec_1",
      planId: "plan_a",
      profileId: "prof_1",
      status: "running",
      startedAt: 5,
      steps: [{ name: "apply", status: "running", batches: 1, attempts: 1, retries: 0 }],
    } as unknown as WorkflowExecutionRecord;
    store.executions.create(record);
    store.executions.appendAttempts("exec_1", [
      {
        step: "apply",
        batch: 0,
        attempt: 1,
        start: 1,
        end: 2,
        delayMs: 0,
        keys: 10,
        outcome: "error",
        errorClass: "connection",
      },
      {
        step: "apply",
        batch: 0,
        attempt: 2,
        start: 3,
        end: 4,
        delayMs: 100,
        keys: 10,
        outcome: "ok",
      },
    ]);
    store.close();
    store = openStore(dir);
    try {
      expect(store.executions.markInterrupted(99)).toBe(1);
      const r = store.executions.get("exec_1")!;
      expect(r).toMatchObject({ status: "interrupted", endedAt: 99 });
      expect(r.steps[0]!.status).toBe("interrupted");
      expect(store.executions.list({}).map((x) => x.executionId)).toEqual(["exec_1"]);
      expect(store.executions.attempts("exec_1").map((a) => a.attempt)).toEqual([1, 2]);
      expect(store.executions.attempts("exec_1", { errorsOnly: true })).toHaveLength(1);
      expect(store.executions.markInterrupted(100)).toBe(0);
    } finally {
      store.close();
    }
  });

  it("saves templates by unique name", () => {
    const store = openStore(tempDir());
    try {
      const t = {
        id: "tpl_1",
        name: "sessions",
        builtin: "delete-by-pattern" as const,
        version: 1,
        params: { pattern: "sess:*" },
        createdAt: 1,
        updatedAt: 1,
      };
      store.savedTemplates.save(t);
      store.savedTemplates.save({ ...t, version: 2 });
      expect(store.savedTemplates.get("sessions")!.version).toBe(2);
      expect(() => store.savedTemplates.save({ ...t, id: "tpl_2" })).toThrow(/already exists/);
      expect(store.savedTemplates.remove("tpl_1")).toBe(true);
      expect(store.savedTemplates.list()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
