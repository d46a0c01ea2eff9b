import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import type { HistoryEvent } from "../history/event.ts";
import type { Operation, ResultOf } from "../operations/operation.ts";
import type { CacheProvider, Capabilities } from "../ports/cache-provider.ts";
import type { ForcedReadOnlyPolicy } from "../ports/stores.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";
import { buildProfile } from "../profiles/validate.ts";
import type { SnapshotBatch } from "../snapshots/snapshot.ts";
import type { SnapshotWriter } from "../snapshots/stage.ts";
import { OperationGate } from "./gate.ts";
import { ProviderPool } from "./provider-pool.ts";

/**
 * The gate's stage order, pinned with a scripted fake provider and fake stores that write every
 * step into one log: classify → read-only policy → guardrail (after reading the key's state) →
 * snapshot made durable → the operation (retried per the profile's policy) → audit → metrics.
 */
const key = new TextEncoder().encode("k");
const CAPS: Capabilities = {
  engine: "redis",
  scan: true,
  types: ["string"],
  ttlRead: true,
  ttlWrite: true,
  dumpRestore: true,
  keyListing: "exact",
  stats: true,
  cluster: false,
  reasons: {},
};

function harness(environment: Environment, opts: { readOnly?: boolean; failFirst?: number } = {}) {
  const log: string[] = [];
  let failures = opts.failFirst ?? 0;
  const provider = (profile: ConnectionProfile): CacheProvider => ({
    profile,
    capabilities: () => CAPS,
    describeSnapshot: (payload) => ({ value: payload }),
    keyProblem: () => undefined,
    close: async () => {},
    async execute<O extends Operation>(op: O): Promise<ResultOf<O>> {
      log.push(`provider ${op.kind}`);
      const answers: Partial<Record<Operation["kind"], unknown>> = {
        describe: [{ key, type: "string", ttlMs: -1 }],
        dump: [{ key, existed: true, type: "string", absoluteExpiryMs: null, payload: key }],
        delete: { deleted: 1 },
        get: { type: "string", ttlMs: -1, value: key },
        deleteBatch: { applied: 1, skipped: 0, failed: 0 },
      };
      if (op.kind === "delete" && failures-- > 0) {
        throw new CachifyError("connection", "connection reset", {
          retryable: true,
          errorClass: "connection",
        });
      }
      return answers[op.kind] as ResultOf<O>;
    },
  });
  const forced = new Map<string, ForcedReadOnlyPolicy>();
  const store: SnapshotWriter = {
    saveBatch: (b: SnapshotBatch) => {
      log.push(`snapshot saved (${b.entries.length})`);
      return b.entries.map((_, i) => `snap${i}`);
    },
    setAfterDigests: () => {},
  };
  const gate = new OperationGate({
    providers: new ProviderPool(provider),
    history: {
      append: (e: HistoryEvent) => log.push(`audit ${e.outcome} attempts=${e.attempts}`),
      list: () => [],
    },
    policies: {
      forcedReadOnlyFor: (p: ConnectionProfile) => forced.get(p.id),
      forcedReadOnly: (id: string) => forced.get(id),
      listForced: () => [...forced.values()],
    } as never,
    observers: [(s) => log.push(`metrics ${s.outcome}`)],
    snapshots: { store, policyFor: () => ({ enabled: true }) },
    sleep: async () => {},
  });
  const profile = buildProfile({
    name: "orders",
    url: "redis://127.0.0.1:6379",
    environment,
    ...(opts.readOnly ? { readOnly: true } : {}),
    retry: { maxAttempts: 3, backoff: "constant", initialDelayMs: 1 },
  });
  const del = (typedName?: string, challengeId?: string) =>
    gate.run(
      profile,
      { kind: "delete", keys: [key] },
      {
        origin: "api",
        ...(typedName
          ? { confirmation: { typedName, ...(challengeId ? { challengeId } : {}) } }
          : {}),
      },
    );
  return { gate, log, profile, del };
}

describe("the operation gate's stage order", () => {
  it("a read-only profile is refused before anything reaches the provider, and the refusal is audited", async () => {
    const h = harness("dev", { readOnly: true });
    await expect(h.del()).rejects.toMatchObject({ code: "read-only" });
    expect(h.log).toEqual(["audit refused attempts=0", "metrics refused"]);
  });

  it("prod without the typed name: the guardrail asks before anything is read, snapshotted or sent", async () => {
    const h = harness("prod");
    const e = (await h.del().catch((x) => x)) as CachifyError;
    expect(e.code).toBe("confirmation-required");
    expect(h.log).toEqual(["audit refused attempts=0", "metrics refused"]);
  });

  it("confirmed: the snapshot is durable before the operation, retried per the profile, then audit and metrics", async () => {
    const h = harness("prod", { failFirst: 1 });
    const challenge = (await h.del().catch((x) => x)) as CachifyError;
    h.log.length = 0;
    const id = (challenge.details as { challengeId: string }).challengeId;
    await expect(h.del("orders", id)).resolves.toEqual({ deleted: 1 });
    expect(h.log).toEqual([
      "provider dump",
      "snapshot saved (1)",
      "provider delete",
      "provider delete",
      "audit ok attempts=3", // the dump and both tries of the delete: one retry budget
      "metrics ok",
    ]);
  });
});

describe("the gate owns every approval", () => {
  const batch = { kind: "deleteBatch" as const, keys: [key] };
  const plan = { planId: "plan_1", matched: 1, templateName: "delete-by-pattern" };

  it("a bulk step runs only inside an execution the gate approved after the typed count", async () => {
    const h = harness("dev");
    const named = { executionId: "exec_made_up", planId: "plan_1" };
    await expect(
      h.gate.run(h.profile, batch, { origin: "workflow", execution: named }),
    ).rejects.toMatchObject({ details: { level: "plan-required" } });
    expect(() => h.gate.approvePlan({ profile: h.profile, plan, origin: "cli" })).toThrow(
      /--confirm-count 1/,
    );
    const approval = h.gate.approvePlan({
      profile: h.profile,
      plan,
      origin: "cli",
      confirmation: { typedCount: "1" },
    });
    const execution = { executionId: approval.executionId, planId: "plan_1" };
    await expect(
      h.gate.run(h.profile, batch, { origin: "workflow", execution }),
    ).resolves.toMatchObject({ applied: 1 });
    approval.revoke();
    await expect(
      h.gate.run(h.profile, batch, { origin: "workflow", execution }),
    ).rejects.toMatchObject({ code: "confirmation-required" });
  });

  it("a read-only profile's plan is refused before its confirmation is looked at", () => {
    const h = harness("dev", { readOnly: true });
    expect(() =>
      h.gate.approvePlan({
        profile: h.profile,
        plan,
        origin: "cli",
        confirmation: { typedCount: "1" },
      }),
    ).toThrow(expect.objectContaining({ code: "read-only" }));
  });

  it("a step's attempt policy holds only inside its approved execution", async () => {
    const once = { timeoutMs: 1000, retry: { ...harness("dev").profile.retry, maxAttempts: 1 } };
    const h = harness("dev", { failFirst: 1 });
    // Outside an execution the profile's policy (3 attempts) stands, whatever the caller asks.
    await expect(
      h.gate.run(
        h.profile,
        { kind: "delete", keys: [key] },
        { origin: "cli", confirmation: { acknowledged: true }, attempts: once },
      ),
    ).resolves.toEqual({ deleted: 1 });
    const h2 = harness("dev", { failFirst: 1 });
    const approval = h2.gate.approvePlan({
      profile: h2.profile,
      plan,
      origin: "cli",
      confirmation: { typedCount: "1" },
    });
    await expect(
      h2.gate.run(
        h2.profile,
        { kind: "delete", keys: [key] },
        {
          origin: "workflow",
          execution: { executionId: approval.executionId, planId: "plan_1" },
          attempts: once,
        },
      ),
    ).rejects.toMatchObject({ code: "connection" });
  });

  it("a scope lets one confirmation stand for a paged action's later pages, and only its own", async () => {
    const h = harness("staging");
    const scope = h.gate.openScope();
    const del = (ctx: object) =>
      h.gate.run(h.profile, { kind: "delete", keys: [key] }, { origin: "api", ...ctx });
    // A read in the scope asks nothing, so it grants nothing.
    await h.gate.run(h.profile, { kind: "get", key }, { origin: "api", scope });
    const asked = (await del({ scope }).catch((e) => e)) as CachifyError;
    const challengeId = (asked.details as { challengeId: string }).challengeId;
    await expect(del({ scope, confirmation: { challengeId } })).resolves.toEqual({ deleted: 1 });
    await expect(del({ scope })).resolves.toEqual({ deleted: 1 });
    // Another scope, no scope, or the scope once closed: the question comes back.
    await expect(del({ scope: h.gate.openScope() })).rejects.toMatchObject({
      code: "confirmation-required",
    });
    await expect(del({})).rejects.toMatchObject({ code: "confirmation-required" });
    scope.close();
    await expect(del({ scope })).rejects.toMatchObject({ code: "confirmation-required" });
    // A look-alike the gate did not make grants nothing.
    await expect(del({ scope: { scopeId: scope.scopeId, close() {} } })).rejects.toMatchObject({
      code: "confirmation-required",
    });
  });
});
