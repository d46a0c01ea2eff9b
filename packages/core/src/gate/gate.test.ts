import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import type { HistoryEvent } from "../history/event.ts";
import type { Operation, ResultOf } from "../operations/operation.ts";
import type { CacheProvider, Capabilities } from "../ports/cache-provider.ts";
import type { ForcedReadOnlyPolicy } from "../ports/stores.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";
import { buildProfile } from "../profiles/validate.ts";
import type { SnapshotBatch, SnapshotStore } from "../snapshots/snapshot.ts";
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
    close: async () => {},
    async execute<O extends Operation>(op: O): Promise<ResultOf<O>> {
      log.push(`provider ${op.kind}`);
      const answers: Partial<Record<Operation["kind"], unknown>> = {
        describe: [{ key, type: "string", ttlMs: -1 }],
        dump: [{ key, existed: true, type: "string", absoluteExpiryMs: null, payload: key }],
        delete: { deleted: 1 },
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
  const store: SnapshotStore = {
    saveBatch: (b: SnapshotBatch) => {
      log.push(`snapshot saved (${b.entries.length})`);
      return b.entries.map((_, i) => `snap${i}`);
    },
    setAfterDigests: () => {},
    list: () => [],
    markRestored: () => {},
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
