import { CachifyError, toCachifyError } from "../common/errors.ts";
import { newId } from "../common/ids.ts";
import { ChallengeRegistry } from "../guardrails/challenges.ts";
import { type Confirmation, enforceGuardrail, requiredLevel } from "../guardrails/confirmation.ts";
import { fingerprint } from "../guardrails/fingerprint.ts";
import { DEFAULT_GUARDRAIL_LEVELS, type GuardrailLevels } from "../guardrails/levels.ts";
import { keysToInspect, refineSpec } from "../guardrails/refine.ts";
import type { HistoryEvent, Origin, Outcome } from "../history/event.ts";
import { auditKey, type KeyRedactor, redactKeysInText } from "../history/redaction.ts";
import {
  classify,
  OPERATION_SPECS,
  type OperationSpec,
  operationKeys,
} from "../operations/classify.ts";
import type { CommandDoc, Operation, ResultOf } from "../operations/operation.ts";
import { classifyRaw, type RawSpec } from "../operations/raw-classify.ts";
import { enforceReadOnly } from "../policy/read-only.ts";
import type { CacheProvider } from "../ports/cache-provider.ts";
import type { HistoryRepository, ReadOnlyPolicySource } from "../ports/stores.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import type { FeatureSwitches } from "../settings/features.ts";
import { stateDigest } from "../snapshots/digest.ts";
import type { SnapshotBatch } from "../snapshots/snapshot.ts";
import {
  keysToSnapshot,
  knownAfterDigests,
  type SnapshotDeps,
  saveDurably,
} from "../snapshots/stage.ts";
import { ExecutionApprovals } from "./approvals.ts";
import type { ProviderPool } from "./provider-pool.ts";
import { backoffDelay, shouldRetry } from "./retry.ts";
import { mintTicket } from "./ticket.ts";
import { withTimeout } from "./timeout.ts";

export interface GateContext {
  origin: Origin;
  confirmation?: Confirmation;
  executionId?: string;
  /**
   * The workflow execution a batch step belongs to. Bulk operations run only when it names an
   * execution the workflow service approved (gate.executions) after the plan was confirmed; its
   * confirmation then stands for the guardrail of each step.
   */
  execution?: { executionId: string; planId: string };
  /** Cancels the operation from outside (a closed request, a cancelled workflow). */
  signal?: AbortSignal;
}

/** What every finished operation reports to metrics (no keys, no values). */
export interface OperationSample {
  profileId: string;
  environment: ConnectionProfile["environment"];
  kind: Operation["kind"];
  class: OperationSpec["class"];
  durationMs: number;
  outcome: Outcome;
  attempts: number;
  errorClass?: string;
  /** Who asked (metrics leave the collector's own polls out of the app's figures). */
  origin?: Origin;
}

type SnapshotEntry = SnapshotBatch["entries"][number];
/** A saved pre-image whose key's state after the operation must be read back. */
type PendingAfter = { snapshotId: string; key: Uint8Array };
type SnapshotsTaken = { count: number; unknown: PendingAfter[] };

export interface GateDeps {
  providers: ProviderPool;
  history: HistoryRepository;
  policies: ReadOnlyPolicySource;
  observers?: ((sample: OperationSample) => void)[];
  /** Keys shown per audit event; the rest are counted. */
  auditKeyLimit?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  challenges?: ChallengeRegistry;
  /** The snapshot stage; without it mutations carry no pre-image (V1 behaviour). */
  snapshots?: SnapshotDeps;
  /**
   * The V2 switches, read at each run: retries off makes every operation one attempt whatever the
   * profile's retry policy says (absent: on). Snapshots off is the snapshot policy's `enabled`.
   */
  features?: () => Pick<FeatureSwitches, "retries">;
  /**
   * The guardrail levels of dev and staging (Settings → Guardrails), read at each run (absent:
   * the defaults of docs/design/safety.md#environments-and-guard-levels). Prod stays typed-name
   * whatever this answers.
   */
  guardrails?: () => GuardrailLevels;
  /**
   * Redaction rules (sensitive key patterns): names of matching keys are recorded as their
   * prefix and a keyed hash, in the event's keys and in its error message.
   */
  redactor?: KeyRedactor;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

/**
 * The operation gate: the only way to run an operation on a cache. Fixed pipeline:
 * classify → policy (read-only) → guardrail → snapshot → timeout + retry → provider → audit → metrics.
 */
export class OperationGate {
  private readonly sleep: NonNullable<GateDeps["sleep"]>;
  readonly challenges: ChallengeRegistry;
  /** Workflow executions whose plans were confirmed: only they may run bulk operations. */
  readonly executions = new ExecutionApprovals();
  /** COMMAND INFO answers per profile, so a console command is classified without a round trip. */
  private readonly commandDocs = new Map<string, Map<string, CommandDoc>>();

  constructor(private readonly deps: GateDeps) {
    this.sleep = deps.sleep ?? defaultSleep;
    this.challenges = deps.challenges ?? new ChallengeRegistry();
  }

  /** Classify stage. Raw commands are looked up in the server's own command table. */
  async classify(
    profile: ConnectionProfile,
    op: Operation,
    ctx: GateContext,
  ): Promise<OperationSpec | RawSpec> {
    if (op.kind !== "raw") return classify(op);
    const args = op.args.map((a) => new TextDecoder().decode(a));
    const name = (args[0] ?? "").toLowerCase();
    if (name === "") throw new CachifyError("bad-input", "Type a command, e.g. GET mykey.");
    let docs = this.commandDocs.get(profile.id);
    if (!docs) {
      docs = new Map();
      this.commandDocs.set(profile.id, docs);
    }
    const doc = await this.commandDoc(profile, docs, name, ctx);
    // A container (CONFIG, CLIENT, SCRIPT...) is classified by its subcommand's own entry.
    const sub = (args[1] ?? "").toLowerCase();
    const subDoc =
      doc?.subcommands?.includes(sub) === true
        ? await this.commandDoc(profile, docs, `${name}|${sub}`, ctx)
        : undefined;
    return classifyRaw(args, doc, subDoc);
  }

  /** One COMMAND INFO entry, asked once per profile and kept. */
  private async commandDoc(
    profile: ConnectionProfile,
    docs: Map<string, CommandDoc>,
    name: string,
    ctx: GateContext,
  ): Promise<CommandDoc | undefined> {
    if (!docs.has(name)) {
      const [doc] = await this.run(
        profile,
        { kind: "commandInfo", names: [name] },
        { origin: ctx.origin },
      );
      if (doc) docs.set(name, doc);
    }
    return docs.get(name);
  }

  async run<O extends Operation>(
    profile: ConnectionProfile,
    op: O,
    ctx: GateContext,
  ): Promise<ResultOf<O>> {
    const started = performance.now();
    let spec: OperationSpec = classify(op);
    // Attempts of this operation, the pre-check included: all bounded by one retry policy.
    const counter = { attempts: 0 };
    const operationId = newId("ev");
    try {
      spec = await this.classify(profile, op, ctx);
      const what = "command" in spec ? (spec as RawSpec).command.toUpperCase() : op.kind;
      enforceReadOnly(profile, spec, what, this.deps.policies);
      // Raw FLUSHDB/FLUSHALL stay refused: only typed workflow batch steps run in an execution.
      const approved = op.kind !== "raw" && this.executions.covers(ctx.execution, profile.id);
      if (spec.bulk && !approved) {
        throw new CachifyError(
          "confirmation-required",
          `${what} changes every key at once: run it as a workflow (delete by pattern) so you can review a dry-run and confirm the count.`,
          { details: { level: "plan-required", profile: profile.name } },
        );
      }
      const provider = this.deps.providers.get(profile);
      const levels = this.deps.guardrails?.() ?? DEFAULT_GUARDRAIL_LEVELS;
      spec = await this.refine(profile, op, spec, provider, ctx, counter, levels);
      if (!approved)
        enforceGuardrail({
          profile,
          spec,
          raw: op.kind === "raw",
          what,
          origin: ctx.origin,
          confirmation: ctx.confirmation,
          fingerprint: () => fingerprint(profile.id, op),
          challenges: this.challenges,
          levels,
        });
      const snapshots = await this.snapshot(profile, op, spec, provider, ctx, counter, operationId);
      const result = await this.attempt(profile, spec, op, provider, ctx, counter);
      await this.recordAfterState(profile, snapshots.unknown, provider, ctx);
      this.finish(
        profile,
        op,
        spec,
        ctx,
        started,
        counter.attempts,
        "ok",
        undefined,
        operationId,
        snapshots.count,
      );
      return result;
    } catch (e) {
      const err = toCachifyError(e);
      const outcome: Outcome =
        err.code === "read-only" || err.code === "confirmation-required"
          ? "refused"
          : err.code === "timeout"
            ? "timeout"
            : "error";
      this.finish(profile, op, spec, ctx, started, counter.attempts, outcome, err, operationId);
      throw err;
    }
  }

  /**
   * Looks at the key's current state when it decides the guard level (overwrite or create). Only
   * when a confirmation would be needed at all, and within the profile's timeout.
   */
  private async refine(
    profile: ConnectionProfile,
    op: Operation,
    spec: OperationSpec,
    provider: CacheProvider,
    ctx: GateContext,
    counter: { attempts: number },
    levels: GuardrailLevels,
  ): Promise<OperationSpec> {
    const keys = keysToInspect(op);
    if (requiredLevel(profile, spec, false, levels) === "none") return spec;
    if (keys.length === 0) return refineSpec(op, spec, []);
    const info = await this.attempt(
      profile,
      OPERATION_SPECS.describe,
      { kind: "describe", keys },
      provider,
      ctx,
      counter,
    );
    return refineSpec(op, spec, info);
  }

  /**
   * Snapshot stage: the pre-image of every key the operation changes, read in one provider call
   * and made durable before the operation is sent. Engines without DUMP-like reads are skipped
   * (their capabilities say why); a pre-image that cannot be saved refuses the operation.
   */
  private async snapshot(
    profile: ConnectionProfile,
    op: Operation,
    spec: OperationSpec,
    provider: CacheProvider,
    ctx: GateContext,
    counter: { attempts: number },
    operationId: string,
  ): Promise<SnapshotsTaken> {
    const none = { count: 0, unknown: [] };
    const deps = this.deps.snapshots;
    if (!deps) return none;
    const policy = deps.policyFor(profile);
    if (!policy.enabled || !provider.capabilities().dumpRestore) return none;
    if (this.executions.withoutSnapshots(ctx.execution)) return none;
    const keys = keysToSnapshot(op, spec).filter((k) => !policy.excluded?.(k));
    if (keys.length === 0) return none;
    const dumps: SnapshotEntry[] = await this.attempt(
      profile,
      OPERATION_SPECS.dump,
      { kind: "dump", keys },
      provider,
      ctx,
      counter,
    );
    knownAfterDigests(op, dumps).forEach((known, i) => {
      if (known !== undefined) dumps[i]!.afterDigest = known;
    });
    const ids = saveDurably(
      deps.store,
      {
        operationId,
        profileId: profile.id,
        operation: op.kind,
        capturedAt: Date.now(),
        entries: dumps,
        ...(ctx.executionId ? { executionId: ctx.executionId } : {}),
      },
      `${op.kind} on "${profile.name}"`,
    );
    const unknown: PendingAfter[] = [];
    dumps.forEach((d, i) => {
      if (d.afterDigest === undefined) unknown.push({ snapshotId: ids[i]!, key: d.key });
    });
    return { count: dumps.length, unknown };
  }

  /** Reads back what the operation left, so a later change by someone else shows as a conflict. */
  private async recordAfterState(
    profile: ConnectionProfile,
    unknown: PendingAfter[],
    provider: CacheProvider,
    ctx: GateContext,
  ): Promise<void> {
    if (unknown.length === 0) return;
    try {
      const after = await this.attempt(
        profile,
        OPERATION_SPECS.dump,
        { kind: "dump", keys: unknown.map((r) => r.key) },
        provider,
        ctx,
        { attempts: 0 },
      );
      this.deps.snapshots?.store.setAfterDigests(
        unknown.map((r, i) => ({ snapshotId: r.snapshotId, afterDigest: stateDigest(after[i]!) })),
      );
    } catch {
      // The change went through; without its after-state a rollback asks before overwriting.
    }
  }

  /**
   * Timeout and retry stage: one provider call per attempt, each bounded by the profile timeout,
   * repeated per the profile's retry policy (never after an ambiguous outcome unless idempotent).
   */
  private async attempt<O extends Operation>(
    profile: ConnectionProfile,
    spec: OperationSpec,
    op: O,
    provider: CacheProvider,
    ctx: GateContext,
    counter: { attempts: number },
  ): Promise<ResultOf<O>> {
    const operationId = newId("op");
    const retry =
      this.deps.features?.().retries === false
        ? { ...profile.retry, maxAttempts: 1 }
        : profile.retry;
    for (;;) {
      counter.attempts++;
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(ctx.signal?.reason);
      ctx.signal?.addEventListener("abort", onOuterAbort, { once: true });
      try {
        const ticket = mintTicket({
          operationId,
          deadline: Date.now() + profile.timeoutMs,
          signal: controller.signal,
          attempt: counter.attempts,
        });
        return await withTimeout(
          () => provider.execute(op, ticket),
          profile.timeoutMs,
          controller,
          `${op.kind} on "${profile.name}"`,
        );
      } catch (e) {
        if (ctx.signal?.aborted || !shouldRetry(e, spec, retry, counter.attempts)) throw e;
        await this.sleep(backoffDelay(retry, counter.attempts + 1), ctx.signal);
      } finally {
        ctx.signal?.removeEventListener("abort", onOuterAbort);
      }
    }
  }

  private finish(
    profile: ConnectionProfile,
    op: Operation,
    spec: OperationSpec,
    ctx: GateContext,
    started: number,
    attempts: number,
    outcome: Outcome,
    error?: CachifyError,
    operationId: string = newId("ev"),
    snapshotCount = 0,
  ): void {
    const durationMs = performance.now() - started;
    const keys =
      op.kind === "raw" && "keyIndexes" in spec
        ? (spec as RawSpec).keyIndexes.map((i) => op.args[i]!).filter(Boolean)
        : operationKeys(op);
    const limit = this.deps.auditKeyLimit ?? 10;
    const event: HistoryEvent = {
      id: operationId,
      ts: Date.now(),
      source: "app",
      kind: op.kind,
      severity: outcome === "ok" ? "info" : outcome === "refused" ? "warning" : "error",
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      origin: ctx.origin,
      operation: spec.class,
      durationMs: Math.round(durationMs * 1000) / 1000,
      outcome,
      attempts,
      count: 1,
    };
    if (keys.length > 0) {
      const redactor = this.deps.redactor;
      event.keys = keys.slice(0, limit).map((k) => auditKey(k, redactor));
      event.keyCount = keys.length;
    }
    if (ctx.executionId) event.executionId = ctx.executionId;
    if (snapshotCount > 0) event.snapshots = snapshotCount;
    // The console's command name is safe to keep; its other arguments may be values.
    if ("command" in spec)
      event.operation = `${spec.class} ${(spec as RawSpec).command.toUpperCase()}`;
    if (error) {
      event.errorCode = error.code;
      if (error.errorClass) event.errorClass = error.errorClass;
      event.message = redactKeysInText(error.message, keys, this.deps.redactor);
    }
    // The collector's polls (PING, INFO, SLOWLOG every few seconds) are not audited one by one:
    // it records health changes and engine events itself. Only reads: anything else is audited.
    const unaudited = ctx.origin === "collector" && spec.class === "read";
    try {
      if (!unaudited) this.deps.history.append(event);
    } catch (e) {
      // An audit that cannot be written must not pass silently: the operation already ran, so
      // report loudly to the log; later issues add a durable fallback.
      console.error(`cachify: could not record history event: ${(e as Error).message}`);
    }
    const sample: OperationSample = {
      profileId: profile.id,
      environment: profile.environment,
      kind: op.kind,
      class: spec.class,
      durationMs,
      outcome,
      attempts,
    };
    if (error?.errorClass) sample.errorClass = error.errorClass;
    sample.origin = ctx.origin;
    for (const o of this.deps.observers ?? []) o(sample);
  }
}
