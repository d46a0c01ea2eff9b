import { toCachifyError } from "../common/errors.ts";
import { newId } from "../common/ids.ts";
import type { ChallengeRegistry } from "../guardrails/challenges.ts";
import type { Confirmation } from "../guardrails/confirmation.ts";
import { fingerprint } from "../guardrails/fingerprint.ts";
import type { GuardrailLevels } from "../guardrails/levels.ts";
import type { HistoryEvent, Origin, Outcome } from "../history/event.ts";
import { PROTECTION_CHANGE_SPEC } from "../policy/profile-change.ts";
import type { HistoryRepository } from "../ports/stores.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import { enforceConfirmation, operationNeed } from "./confirm.ts";

/** Who asks for a profile or policy change, and the confirmation they gave (CLI: --confirm). */
export interface ChangeContext {
  origin: Origin;
  confirmation?: Confirmation;
}

export interface ChangeGuardDeps {
  /** The gate's registry: one kind of 428 challenge for cache operations and profile changes. */
  challenges: ChallengeRegistry;
  /** Settings → Guardrails, read at each change (prod stays typed-name). */
  levels: () => GuardrailLevels;
  history: HistoryRepository;
}

export interface Change {
  kind: "profile-update" | "profile-remove" | "policy-force" | "policy-clear";
  /** The profile as it is before the change: its environment decides the confirmation. */
  profile: ConnectionProfile;
  /** What lowers its protection ("environment prod → dev"); empty: no confirmation is asked. */
  lowered: string[];
  /** What is changed, for the audit (no secrets). */
  summary: string;
  /** Binds a challenge to exactly this change (no secrets: it is hashed, but stays in memory). */
  subject: Record<string, unknown>;
}

/**
 * Profile and policy changes as guarded, audited operations. A change that lowers a profile's
 * protection asks the confirmation of its current environment (Settings → Guardrails; prod: the
 * name typed) with the gate's one challenge registry (HTTP 428, CLI exit 4 without --confirm), and every
 * change, applied, refused or failed, is recorded in history like an operation.
 */
export class ChangeGuard {
  constructor(private readonly deps: ChangeGuardDeps) {}

  run<T>(change: Change, ctx: ChangeContext, apply: () => T): T {
    const started = performance.now();
    try {
      if (change.lowered.length > 0) {
        const need = operationNeed({
          profile: change.profile,
          spec: PROTECTION_CHANGE_SPEC,
          raw: false,
          what:
            change.kind === "profile-remove"
              ? "Removal"
              : `Changing ${change.lowered.join(" and ")}`,
          levels: this.deps.levels(),
          fingerprint: () =>
            fingerprint(change.profile.id, { kind: change.kind, ...change.subject }),
        });
        enforceConfirmation(need, ctx.origin, ctx.confirmation, this.deps.challenges);
      }
      const result = apply();
      this.record(change, ctx, started, "ok");
      return result;
    } catch (e) {
      const err = toCachifyError(e);
      const outcome: Outcome =
        err.code === "confirmation-required" || err.code === "read-only" ? "refused" : "error";
      this.record(change, ctx, started, outcome, err.code, err.message);
      throw err;
    }
  }

  private record(
    change: Change,
    ctx: ChangeContext,
    started: number,
    outcome: Outcome,
    errorCode?: HistoryEvent["errorCode"],
    error?: string,
  ): void {
    const p = change.profile;
    const event: HistoryEvent = {
      id: newId("ev"),
      ts: Date.now(),
      source: "app",
      kind: change.kind,
      severity: outcome === "ok" ? "info" : outcome === "refused" ? "warning" : "error",
      profileId: p.id,
      profileName: p.name,
      environment: p.environment,
      origin: ctx.origin,
      operation: change.lowered.length > 0 ? "destructive" : "write",
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      outcome,
      count: 1,
      message: error ? `${change.summary}: ${error}` : change.summary,
    };
    if (errorCode) event.errorCode = errorCode;
    this.deps.history.append(event);
  }
}
