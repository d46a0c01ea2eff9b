import type { ConnectionProfile } from "@cachify/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { planAndApply, tempApp } from "../../../../../test/support/temp-app.ts";

const servers = inject("servers");
const P = `wf${process.pid}:`;

describe("workflows on standalone Redis: dry-run, review, execute (FR-V2-005)", () => {
  const t = tempApp();
  const redis = new Redis({ port: servers.redis.port, host: "127.0.0.1" });
  let profile: ConnectionProfile;
  beforeAll(() => {
    profile = t.app.profiles.create({ name: "wf-redis", url: servers.redis.url });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it("delete-by-pattern with a type filter: exact count, per-key preview, confirmed execution, audit per batch", async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 30; i++) p.set(`${P}d:s:${i}`, "v");
    for (let i = 0; i < 5; i++) p.hset(`${P}d:h:${i}`, "f", "v");
    p.set(`${P}keep`, "v");
    await p.exec();
    const wf = t.app.workflows;
    const plan = await wf.plan({
      template: "delete-by-pattern",
      profile,
      params: { pattern: `${P}d:*`, type: "hash" },
      origin: "cli",
    });
    expect(plan).toMatchObject({ status: "ready", matched: 5, complete: true });
    expect(plan.rollback.coverage).toBe("full");
    const page = await wf.page(plan.planId, 0, 10, "cli");
    expect(page.rows).toHaveLength(5);
    expect(
      page.rows.every((r) => r.type === "hash" && r.change === "delete" && r.ttlMs === -1),
    ).toBe(true);
    // Nothing changed by the dry-run; applying needs the typed count.
    expect(await redis.exists(`${P}d:h:0`)).toBe(1);
    await expect(wf.apply(plan.planId, undefined, "cli")).rejects.toMatchObject({
      code: "confirmation-required",
    });
    await expect(wf.apply(plan.planId, { count: 4 }, "cli")).rejects.toThrow(/not the plan's 5/);
    const started = await wf.apply(plan.planId, { count: 5 }, "cli");
    const done = await wf.finished(started.executionId);
    expect(done).toMatchObject({
      status: "succeeded",
      planned: 5,
      processed: 5,
      applied: 5,
      failed: 0,
    });
    expect(await redis.exists(`${P}d:h:0`, `${P}d:h:4`)).toBe(0);
    expect(await redis.exists(`${P}d:s:0`, `${P}keep`)).toBe(2);
    // A plan runs once.
    await expect(wf.apply(plan.planId, { count: 5 }, "cli")).rejects.toThrow(
      new RegExp(`was applied by execution ${started.executionId}: a plan runs once`),
    );
    // One audit event per batch, with the execution id and the key count (not one per key).
    const events = t.app.history
      .list({ profileId: profile.id, limit: 50 })
      .filter((e) => e.kind === "deleteBatch");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      executionId: started.executionId,
      keyCount: 5,
      outcome: "ok",
    });
    // History: the execution, its steps and attempts.
    expect(wf.executions({ profileId: profile.id })[0]!.executionId).toBe(started.executionId);
    const tl = wf.timeline(started.executionId);
    expect(tl.execution.steps[0]).toMatchObject({ name: "apply", status: "succeeded", batches: 1 });
    expect(tl.attempts).toHaveLength(1);
  });

  it("the gate refuses a batch step outside an approved execution", async () => {
    await expect(
      t.app.gate.run(
        profile,
        { kind: "deleteBatch", keys: [new TextEncoder().encode(`${P}keep`)] },
        {
          origin: "cli",
          confirmation: { acknowledged: true },
          execution: { executionId: "exec_forged", planId: "plan_forged" },
        },
      ),
    ).rejects.toMatchObject({ code: "confirmation-required" });
    expect(await redis.exists(`${P}keep`)).toBe(1);
  });

  it("ttl-normalize: each mode selects the right keys; spread stays within bounds", async () => {
    await redis.set(`${P}t:persist`, "v");
    await redis.set(`${P}t:short`, "v", "EX", 100);
    await redis.set(`${P}t:long`, "v", "EX", 10_000);
    const wf = t.app.workflows;
    const count = async (mode: string) =>
      (
        await wf.plan({
          template: "ttl-normalize",
          profile,
          params: { pattern: `${P}t:*`, ttl: 500, mode },
          origin: "cli",
        })
      ).matched;
    expect(await count("all")).toBe(3);
    expect(await count("persistent-only")).toBe(1);
    expect(await count("clamp-max")).toBe(2);
    expect(await count("clamp-min")).toBe(1);
    const r = await planAndApply(t.app, profile, "ttl-normalize", {
      pattern: `${P}t:*`,
      ttlSeconds: 500,
      mode: "clamp-max",
      spreadPercent: 10,
    });
    expect(r.execution).toMatchObject({ status: "succeeded", applied: 2 });
    const ttls = await Promise.all(
      ["persist", "short", "long"].map((k) => redis.ttl(`${P}t:${k}`)),
    );
    expect(ttls[0]).toBeGreaterThanOrEqual(440);
    expect(ttls[0]).toBeLessThanOrEqual(500);
    expect(ttls[1]).toBeLessThanOrEqual(100);
    expect(ttls[2]).toBeLessThanOrEqual(500);
  });

  it("warmup-set if-absent: never overwrites; the preview says what exists", async () => {
    await redis.set(`${P}w:old`, "original");
    const wf = t.app.workflows;
    const entries = [
      { key: `${P}w:old`, value: "new" },
      { key: `${P}w:a`, value: "A", ttlSeconds: 300 },
      { key: `${P}w:b`, valueBase64: Buffer.from([0, 1, 2]).toString("base64") },
    ];
    const plan = await wf.plan({
      template: "warmup-set",
      profile,
      params: { entries, condition: "if-absent", ttl: 60 },
      origin: "cli",
    });
    expect(plan).toMatchObject({ matched: 2, unchanged: 1 });
    const always = await wf.plan({
      template: "warmup-set",
      profile,
      params: { entries, condition: "always" },
      origin: "cli",
    });
    const rows = (await wf.page(always.planId, 0, 10, "cli")).rows;
    expect(rows.find((r) => new TextDecoder().decode(r.key) === `${P}w:old`)).toMatchObject({
      change: "set",
      exists: true,
      wouldOverwrite: true,
    });
    const started = await wf.apply(plan.planId, { count: 2 }, "cli");
    expect((await wf.finished(started.executionId)).applied).toBe(2);
    expect(await redis.get(`${P}w:old`)).toBe("original");
    expect(await redis.get(`${P}w:a`)).toBe("A");
    expect(await redis.ttl(`${P}w:a`)).toBeGreaterThan(250);
    expect(await redis.ttl(`${P}w:b`)).toBeGreaterThan(30);
    expect(await redis.getBuffer(`${P}w:b`)).toEqual(Buffer.from([0, 1, 2]));
    // Values never reach the execution record (history holds no values).
    expect(JSON.stringify(t.app.workflows.execution(started.executionId).params)).not.toContain(
      '"A"',
    );
  });

  it("rerun with edited params: a fresh dry-run with the diff, then the expected result (FR-V2-006)", async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 4; i++) p.set(`${P}r:a:${i}`, "v").set(`${P}r:b:${i}`, "v");
    await p.exec();
    const first = await planAndApply(t.app, profile, "delete-by-pattern", { pattern: `${P}r:a:*` });
    expect(first.execution.applied).toBe(4);
    const wf = t.app.workflows;
    const same = await wf.rerun(first.execution.executionId, {}, "cli");
    expect(same.paramsDiff).toEqual([]);
    expect(same.plan).toMatchObject({ matched: 0, parent: { kind: "rerun" } });
    const edited = await wf.rerun(
      first.execution.executionId,
      { pattern: `${P}r:b:*`, limit: 3 },
      "cli",
    );
    expect(edited.paramsDiff).toEqual([
      { param: "limit", from: null, to: 3 },
      { param: "pattern", from: `${P}r:a:*`, to: `${P}r:b:*` },
    ]);
    expect(edited.plan).toMatchObject({ matched: 3, limitReached: true });
    const started = await wf.apply(edited.plan.planId, { count: 3 }, "cli");
    const done = await wf.finished(started.executionId);
    expect(done).toMatchObject({
      status: "succeeded",
      applied: 3,
      parentExecutionId: first.execution.executionId,
      rerunKind: "rerun-with-edits",
    });
    expect(done.paramsDiff).toHaveLength(2);
    let left = 0;
    for (let i = 0; i < 4; i++) left += await redis.exists(`${P}r:b:${i}`);
    expect(left).toBe(1);
  });

  it("saved templates: presets, versions, plans from them", async () => {
    const wf = t.app.workflows;
    const v1 = wf.saveTemplate({
      name: `${P}short-ttl`,
      builtin: "ttl-normalize",
      params: { ttl: 30, mode: "clamp-max" },
      policy: { "retry.maxAttempts": 2 },
    });
    expect(v1).toMatchObject({ version: 1, params: { ttlSeconds: 30, mode: "clamp-max" } });
    const v2 = wf.saveTemplate({ name: `${P}short-ttl`, params: { ttl: 40 } });
    expect(v2).toMatchObject({ version: 2, params: { ttlSeconds: 40, mode: "clamp-max" } });
    await redis.set(`${P}s:1`, "v");
    const plan = await wf.plan({
      template: `${P}short-ttl`,
      profile,
      params: { pattern: `${P}s:*` },
      origin: "cli",
    });
    expect(plan.template).toMatchObject({
      name: `${P}short-ttl`,
      version: 2,
      builtin: "ttl-normalize",
    });
    expect(plan.policy.retry.maxAttempts).toBe(2);
    expect(plan.matched).toBe(1);
    expect(() => wf.saveTemplate({ name: "x", builtin: "nope" })).toThrow(/Unknown template/);
    wf.removeTemplate(`${P}short-ttl`);
    expect(wf.templates().saved.find((s) => s.name === `${P}short-ttl`)).toBeUndefined();
  });

  it("read-only: the dry-run works, the execution is refused, nothing changes", async () => {
    const ro = t.app.profiles.create({ name: "wf-ro", url: servers.redis.url });
    t.app.policies.force({
      profileId: ro.id,
      reason: "test",
      source: "user",
      createdAt: Date.now(),
    });
    await redis.set(`${P}ro:1`, "v");
    const plan = await t.app.workflows.plan({
      template: "delete-by-pattern",
      profile: ro,
      params: { pattern: `${P}ro:*` },
      origin: "cli",
    });
    expect(plan.matched).toBe(1);
    await expect(t.app.workflows.apply(plan.planId, { count: 1 }, "cli")).rejects.toMatchObject({
      code: "read-only",
    });
    expect(await redis.exists(`${P}ro:1`)).toBe(1);
    // A lock covers every profile at its address: lifted, so the next tests' profiles may run.
    t.app.policies.clear(ro.id);
  });

  it("prod: the typed name too, and a stale plan is refused", async () => {
    const prod = t.app.profiles.create({
      name: "wf-prod",
      url: servers.redis.url,
      environment: "prod",
    });
    await redis.set(`${P}prod:1`, "v");
    const plan = await t.app.workflows.plan({
      template: "delete-by-pattern",
      profile: prod,
      params: { pattern: `${P}prod:*` },
      origin: "cli",
    });
    await expect(t.app.workflows.apply(plan.planId, { count: 1 }, "cli")).rejects.toThrow(
      /--confirm "wf-prod"/,
    );
    expect(await redis.exists(`${P}prod:1`)).toBe(1);
    const stale = t.app.store.plans.get(plan.planId)!;
    stale.createdAt -= 2 * 3600_000;
    t.app.store.plans.save(stale);
    await expect(
      t.app.workflows.apply(plan.planId, { count: 1, typedName: "wf-prod" }, "cli"),
    ).rejects.toThrow(/older than 60 minutes/);
  });

  it("drift past the bound aborts; stopAndRollback puts back what it changed", async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 200; i++) p.set(`${P}dr:${i}`, `v${i}`);
    await p.exec();
    const wf = t.app.workflows;
    const plan = await wf.plan({
      template: "delete-by-pattern",
      profile,
      params: { pattern: `${P}dr:*` },
      policy: { batchSize: 20, "abort.maxMatchedDrift": 0.1, onAbort: "stopAndRollback" },
      origin: "cli",
    });
    expect(plan.matched).toBe(200);
    // Someone else deletes half the keys after the dry-run.
    const gone = redis.pipeline();
    for (let i = 0; i < 200; i += 2) gone.del(`${P}dr:${i}`);
    await gone.exec();
    const started = await wf.apply(plan.planId, { count: 200 }, "cli");
    const done = await wf.finished(started.executionId);
    expect(done.abortReason).toMatch(/drifted from the plan/);
    expect(done.status).toBe("rolled-back");
    expect(done.steps.map((s) => s.name)).toEqual(["apply", "rollback"]);
    expect(done.rollbackResult!.restored).toBeGreaterThan(0);
    let left = 0;
    for (let i = 1; i < 200; i += 2) left += await redis.exists(`${P}dr:${i}`);
    expect(left).toBe(100);
  });
});
