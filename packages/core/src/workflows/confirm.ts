import { CachifyError } from "../common/errors.ts";
import { newId } from "../common/ids.ts";
import type { Origin } from "../history/event.ts";
import type { PlanRecord } from "./types.ts";

/** What a caller typed to run a plan: the matched count, and the profile name on prod. */
export interface PlanConfirmation {
  count?: number | string;
  typedName?: string;
  /** The API's challenge being answered (bound to one plan, expiring, used once). */
  challengeId?: string;
}

interface PlanChallenge {
  challengeId: string;
  planId: string;
  matched: number;
  name?: string;
  expiresAt: number;
}

/**
 * docs/design/safety.md#workflow-plans-the-typed-count (wildcard destructive): a reviewed dry-run
 * plus the typed matched count on every environment, plus the typed profile name on prod. The API's
 * confirmations are challenges bound to the plan (its id and count), used once and expiring; the
 * CLI's flags are bound by construction (one process, one plan).
 */
export class PlanChallenges {
  private readonly open = new Map<string, PlanChallenge>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  check(plan: PlanRecord, origin: Origin, c: PlanConfirmation | undefined): void {
    const needName = plan.environment === "prod";
    const typedCount = c?.count === undefined ? undefined : String(c.count).trim();
    const countOk = typedCount === String(plan.matched);
    const nameOk = !needName || c?.typedName === plan.profileName;
    if ((origin === "cli" || origin === "test") && countOk && nameOk) return;
    const what = `Running plan ${plan.planId} (${plan.template.name}) changes ${plan.matched.toLocaleString("en-US")} key(s) on ${plan.environment} profile "${plan.profileName}"`;
    if (origin === "cli" || origin === "test") {
      const wrong: string[] = [];
      if (typedCount !== undefined && !countOk)
        wrong.push(`the count ${typedCount} is not the plan's ${plan.matched}`);
      if (c?.typedName !== undefined && !nameOk) wrong.push("the typed name does not match");
      throw new CachifyError(
        "confirmation-required",
        `${wrong.length ? `${capital(wrong.join(" and "))}. ` : ""}${what}: add --confirm-count ${plan.matched}${needName ? ` --confirm "${plan.profileName}"` : ""}.`,
        { details: this.details(plan) },
      );
    }
    let problem: string | undefined;
    if (c?.challengeId) {
      problem = this.redeem(c.challengeId, plan, typedCount, c.typedName);
      if (problem === undefined) return;
    }
    const challenge = this.issue(plan);
    throw new CachifyError(
      "confirmation-required",
      `${problem ? `${problem} ` : ""}${what}: type the count ${plan.matched}${needName ? ` and the profile name "${plan.profileName}"` : ""}.`,
      {
        details: {
          ...this.details(plan),
          challengeId: challenge.challengeId,
          expiresAt: challenge.expiresAt,
        },
      },
    );
  }

  private details(plan: PlanRecord): Record<string, unknown> {
    const needName = plan.environment === "prod";
    return {
      level: needName ? "typed-count-and-name" : "typed-count",
      planId: plan.planId,
      matched: plan.matched,
      profile: plan.profileName,
      environment: plan.environment,
      type: { count: String(plan.matched), ...(needName ? { name: plan.profileName } : {}) },
    };
  }

  private issue(plan: PlanRecord): PlanChallenge {
    const t = this.now();
    for (const [id, c] of this.open) if (c.expiresAt < t) this.open.delete(id);
    const c: PlanChallenge = {
      challengeId: newId("chal"),
      planId: plan.planId,
      matched: plan.matched,
      expiresAt: t + this.ttlMs,
      ...(plan.environment === "prod" ? { name: plan.profileName } : {}),
    };
    this.open.set(c.challengeId, c);
    return c;
  }

  private redeem(
    id: string,
    plan: PlanRecord,
    typedCount: string | undefined,
    typedName: string | undefined,
  ): string | undefined {
    const c = this.open.get(id);
    if (!c) return "This confirmation is unknown or was already used: confirm again.";
    if (c.expiresAt < this.now()) {
      this.open.delete(id);
      return "This confirmation expired: confirm again.";
    }
    if (c.planId !== plan.planId || c.matched !== plan.matched) {
      return "This confirmation was issued for a different plan: confirm this one.";
    }
    if (typedCount !== String(c.matched)) {
      return `The typed count does not match: type ${c.matched} exactly.`;
    }
    if (c.name !== undefined && typedName !== c.name) {
      return `The typed name does not match: type "${c.name}" exactly.`;
    }
    this.open.delete(id);
    return undefined;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
