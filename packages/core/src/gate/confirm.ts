import { CachifyError } from "../common/errors.ts";
import type {
  ChallengeLevel,
  ChallengeRegistry,
  ChallengeSubject,
  Expected,
} from "../guardrails/challenges.ts";
import { type Confirmation, requiredLevel } from "../guardrails/confirmation.ts";
import type { GuardrailLevels } from "../guardrails/levels.ts";
import type { Origin } from "../history/event.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

/** What one guarded action must be confirmed with, and how its refusals read. */
export interface ConfirmationNeed {
  level: ChallengeLevel;
  subject: ChallengeSubject;
  profile: ConnectionProfile;
  /** Computed only when a confirmation is needed (reads never pay for it). */
  fingerprint: () => string;
  expected: Expected;
  /** The refusal after the reason, for the CLI (it names the flags) and for the API. */
  ask: { cli: string; api: string };
  /** The 428 / exit-4 details (the API's add the challenge id and its expiry). */
  details: Record<string, unknown>;
}

/**
 * The guardrail check, for operations, profile changes and plans alike. The CLI is one process
 * for one action, so its typed flags are bound by construction. Every other origin answers a
 * challenge issued for this very action, at this level, by the one registry.
 */
export function enforceConfirmation(
  need: ConfirmationNeed,
  origin: Origin,
  c: Confirmation | undefined,
  challenges: ChallengeRegistry,
): void {
  if (need.level === "none") return;
  const typed = { name: c?.typedName, count: c?.typedCount?.trim() };
  const { expected } = need;
  if (origin === "cli") {
    const countOk = expected.count === undefined || typed.count === expected.count;
    const nameOk = expected.name === undefined || typed.name === expected.name;
    const ack = need.level === "confirm" && (c?.acknowledged || typed.name === need.profile.name);
    if (ack || (need.level !== "confirm" && countOk && nameOk)) return;
    const wrong: string[] = [];
    if (typed.count !== undefined && !countOk)
      wrong.push(`the count ${typed.count} is not the plan's ${expected.count}`);
    if (typed.name !== undefined && typed.name !== need.profile.name)
      wrong.push("the typed name does not match");
    throw new CachifyError(
      "confirmation-required",
      `${wrong.length ? `${capital(wrong.join(" and "))}. ` : ""}${need.ask.cli}`,
      { details: need.details },
    );
  }
  let problem: string | undefined;
  const fp = need.fingerprint();
  const bound = { profileId: need.profile.id, fingerprint: fp, level: need.level, expected };
  if (c?.challengeId) {
    problem = challenges.redeem(c.challengeId, bound, typed);
    if (problem === undefined) return;
  }
  const challenge = challenges.issue({ ...bound, subject: need.subject });
  throw new CachifyError(
    "confirmation-required",
    `${problem ? `${problem} ` : ""}${need.ask.api}`,
    {
      details: {
        ...need.details,
        challengeId: challenge.challengeId,
        expiresAt: challenge.expiresAt,
      },
    },
  );
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A single operation's (or a profile change's) need: the level of
 * docs/design/safety.md#environments-and-guard-levels for its class and the profile's environment.
 */
export function operationNeed(a: {
  profile: ConnectionProfile;
  spec: OperationSpec;
  raw: boolean;
  what: string;
  levels: GuardrailLevels;
  fingerprint: () => string;
}): ConfirmationNeed {
  const level = requiredLevel(a.profile, a.spec, a.raw, a.levels);
  const { name, environment } = a.profile;
  const typedName = level === "typed-name";
  const on = `${a.what} on ${environment} profile "${name}"`;
  return {
    level,
    subject: "operation",
    profile: a.profile,
    fingerprint: a.fingerprint,
    expected: typedName ? { name } : {},
    ask: {
      cli: `${on} ${typedName ? `needs the profile name: add --confirm "${name}"` : "needs confirmation"}.`,
      api: `${on} ${typedName ? `needs the profile name typed: "${name}"` : "needs confirmation"}.`,
    },
    details: { level, profile: name, environment, ...(typedName ? { type: name } : {}) },
  };
}

/** The plan being run, as the confirmation sees it (the profile as it is now). */
export interface PlanToConfirm {
  planId: string;
  matched: number;
  templateName: string;
}

/**
 * docs/design/safety.md#workflow-plans-the-typed-count: the matched count typed on every
 * environment, and the profile name too on prod, bound to the plan's id and count.
 */
export function planNeed(profile: ConnectionProfile, plan: PlanToConfirm): ConfirmationNeed {
  const prod = profile.environment === "prod";
  const count = String(plan.matched);
  const name = profile.name;
  const level = prod ? "typed-count-and-name" : "typed-count";
  const what = `Running plan ${plan.planId} (${plan.templateName}) changes ${plan.matched.toLocaleString("en-US")} key(s) on ${profile.environment} profile "${name}"`;
  return {
    level,
    subject: "plan",
    profile,
    fingerprint: () => `plan:${plan.planId}:${count}`,
    expected: { count, ...(prod ? { name } : {}) },
    ask: {
      cli: `${what}: add --confirm-count ${count}${prod ? ` --confirm "${name}"` : ""}.`,
      api: `${what}: type the count ${count}${prod ? ` and the profile name "${name}"` : ""}.`,
    },
    details: {
      level,
      planId: plan.planId,
      matched: plan.matched,
      profile: name,
      environment: profile.environment,
      type: { count, ...(prod ? { name } : {}) },
    },
  };
}
