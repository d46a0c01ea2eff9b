import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import type { BatchOutcome } from "../operations/operation.ts";
import { ExecutionRunner, type RunnerBatch } from "./runner.ts";
import type { AttemptRecord, WorkflowExecutionPolicy } from "./types.ts";

const policy = (over: Partial<WorkflowExecutionPolicy> = {}): WorkflowExecutionPolicy => ({
  stepTimeoutMs: 1000,
  batchSize: 10,
  retry: {
    maxAttempts: 3,
    backoff: "exponential",
    initialDelayMs: 100,
    maxDelayMs: 1000,
    multiplier: 2,
    jitter: "none",
    retryOn: ["connection"],
  },
  abort: { onConnectionLost: "abort" },
  onAbort: "stop",
  ...over,
});

const connLost = () =>
  new CachifyError("connection", "connection refused", {
    errorClass: "connection",
    retryable: true,
  });

function setup(
  batches: number,
  execute: (b: RunnerBatch, attempt: number) => Promise<BatchOutcome>,
  p = policy(),
  concurrency = 1,
) {
  const slept: number[] = [];
  const attempts: AttemptRecord[] = [];
  let i = 0;
  const runner = new ExecutionRunner<RunnerBatch>({
    step: "apply",
    policy: p,
    planned: batches * 10,
    concurrency,
    batches: {
      next: () =>
        i < batches
          ? { done: false, value: { index: i++, size: 10 } }
          : { done: true, value: undefined },
    },
    execute: (b, a) => execute(b, a),
    onAttempt: (a) => attempts.push(a),
    onProgress: () => {},
    sleep: async (ms) => {
      slept.push(ms);
    },
    now: () => 0,
  });
  return { runner, slept, attempts };
}

const ok = (n = 10): BatchOutcome => ({ applied: n, skipped: 0, failed: 0 });

describe("execution runner", () => {
  it("runs every batch and counts", async () => {
    const { runner } = setup(5, async () => ok(), policy(), 3);
    const r = await runner.run();
    expect(r).toMatchObject({ status: "succeeded", batches: 5, attempts: 5, retries: 0 });
    expect(r.counts).toMatchObject({ planned: 50, processed: 50, applied: 50, failed: 0 });
  });

  it("a batch that gives up with part of it final (details.partial) counts those keys as they are", async () => {
    const partial = () =>
      new CachifyError("connection", "3 of 10 keys had no final answer", {
        errorClass: "connection",
        retryable: true,
        details: { partial: { applied: 6, skipped: 1, failed: 0 } },
      });
    const { runner, attempts } = setup(1, async () => {
      throw partial();
    });
    const r = await runner.run();
    expect(attempts).toHaveLength(3);
    expect(r.status).toBe("aborted");
    expect(r.counts).toMatchObject({ processed: 7, applied: 6, skipped: 1, failed: 3 });
    // A partial that does not fit the batch is not trusted: every key failed.
    const wrong = new CachifyError("engine", "odd", {
      details: { partial: { applied: 9, skipped: 9 } },
    });
    const second = setup(1, async () => {
      throw wrong;
    });
    expect((await second.runner.run()).counts).toMatchObject({ applied: 0, failed: 10 });
  });

  it("retries a failed batch with exponential backoff and records every attempt", async () => {
    let calls = 0;
    const { runner, slept, attempts } = setup(1, async () => {
      calls++;
      if (calls < 3) throw connLost();
      return ok();
    });
    const r = await runner.run();
    expect(r.status).toBe("succeeded");
    expect(slept).toEqual([100, 200]);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.delayMs])).toEqual([
      [1, "error", 0],
      [2, "error", 100],
      [3, "ok", 200],
    ]);
    expect(attempts[0]!.errorClass).toBe("connection");
  });

  it("aborts on a lost connection once the retries are spent", async () => {
    let calls = 0;
    const { runner, slept } = setup(4, async () => {
      calls++;
      throw connLost();
    });
    const r = await runner.run();
    expect(r.status).toBe("aborted");
    expect(r.abortReason).toMatch(/connection lost/);
    expect(calls).toBe(3);
    expect(slept).toEqual([100, 200]);
    expect(r.counts.failed).toBe(10);
  });

  it("goes on after a lost connection when told to, until consecutive failures abort", async () => {
    const { runner } = setup(
      6,
      async () => {
        throw connLost();
      },
      policy({
        retry: { ...policy().retry, maxAttempts: 1 },
        abort: { onConnectionLost: "continue", maxConsecutiveFailures: 2 },
      }),
    );
    const r = await runner.run();
    expect(r.status).toBe("aborted");
    expect(r.abortReason).toMatch(/2 batches failed in a row/);
    expect(r.batches).toBe(2);
  });

  it("never retries an error class the policy does not name", async () => {
    let calls = 0;
    const { runner } = setup(
      1,
      async () => {
        calls++;
        throw new CachifyError("engine", "OOM", { errorClass: "OOM" });
      },
      policy({ abort: { onConnectionLost: "abort" } }),
    );
    const r = await runner.run();
    expect(calls).toBe(1);
    expect(r.status).toBe("failed");
  });

  it("aborts on the error ratio and on drift", async () => {
    const ratio = setup(
      10,
      async () => ({ applied: 5, skipped: 0, failed: 5 }),
      policy({ abort: { onConnectionLost: "abort", maxErrorRatio: 0.1 } }),
    );
    const r1 = await ratio.runner.run();
    expect(r1.status).toBe("aborted");
    expect(r1.abortReason).toMatch(/error ratio 50.0% is above the limit of 10.0%/);
    const drift = setup(
      10,
      async () => ({ applied: 6, skipped: 4, failed: 0 }),
      policy({ abort: { onConnectionLost: "abort", maxMatchedDrift: 0.2 } }),
    );
    const r2 = await drift.runner.run();
    expect(r2.status).toBe("aborted");
    expect(r2.abortReason).toMatch(/drifted from the plan/);
    expect(r2.batches).toBeLessThan(10);
  });

  it("cancels: no new batch starts, the one in flight finishes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const { runner } = setup(5, async () => {
      started++;
      await gate;
      return ok();
    });
    const done = runner.run();
    await new Promise((r) => setTimeout(r, 10));
    runner.cancel();
    release();
    const r = await done;
    expect(r.status).toBe("cancelled");
    expect(started).toBe(1);
    expect(r.counts.applied).toBe(10);
  });

  it("paces dispatch to maxOpsPerSecond", async () => {
    let now = 0;
    const waits: number[] = [];
    let i = 0;
    const runner = new ExecutionRunner<RunnerBatch>({
      step: "apply",
      policy: policy({ maxOpsPerSecond: 100 }),
      planned: 40,
      concurrency: 1,
      batches: {
        next: () =>
          i < 4
            ? { done: false, value: { index: i++, size: 10 } }
            : { done: true, value: undefined },
      },
      execute: async () => ok(),
      onAttempt: () => {},
      onProgress: () => {},
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      now: () => now,
    });
    await runner.run();
    expect(waits).toEqual([100, 100, 100]);
  });
});
