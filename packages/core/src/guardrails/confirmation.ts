import { CachifyError } from "../common/errors.ts";
import type { Origin } from "../history/event.ts";
import type { OperationSpec } from "../operations/classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import type { ChallengeRegistry } from "./challenges.ts";
import { type GuardLevel, type GuardrailLevels, levelsFor } from "./levels.ts";

/** What a caller supplied to get past a guardrail. */
export interface Confirmation {
  /** The CLI's explicit command stands for the confirm dialog. */
  acknowledged?: boolean;
  /** The profile name as typed by the user. */
  typedName?: string;
  /** The API's challenge being answered (bound to one operation). */
  challengeId?: string;
}

/**
 * The table of docs/design/safety.md#environments-and-guard-levels, with the levels of Settings →
 * Guardrails for dev and staging (prod is fixed at typed-name whatever `levels` says). Reads and
 * writes that create never ask. Raw commands have their own row: any write, admin or unknown
 * command is guarded at the `raw` level.
 */
export function requiredLevel(
  profile: ConnectionProfile,
  spec: OperationSpec,
  raw: boolean,
  levels: GuardrailLevels,
): GuardLevel {
  if (spec.class === "read") return "none";
  const env = levelsFor(levels, profile.environment);
  if (raw) return env.raw;
  if (spec.class === "write") return "none";
  return env.destructive;
}

export interface GuardInput {
  profile: ConnectionProfile;
  spec: OperationSpec;
  raw: boolean;
  what: string;
  origin: Origin;
  confirmation: Confirmation | undefined;
  /** Computed only when a confirmation is needed (reads never pay for it). */
  fingerprint: () => string;
  challenges: ChallengeRegistry;
  /** The levels in force (Settings → Guardrails), read by the gate for this operation. */
  levels: GuardrailLevels;
}

/**
 * Guardrail stage. The CLI is one process for one operation, so its typed --confirm is bound by
 * construction. Every other origin must answer a challenge issued for this very operation.
 */
export function enforceGuardrail(g: GuardInput): void {
  const level = requiredLevel(g.profile, g.spec, g.raw, g.levels);
  if (level === "none") return;
  const c = g.confirmation;
  const name = g.profile.name;
  if (g.origin === "cli" || g.origin === "test") {
    if (level === "confirm" && (c?.acknowledged || c?.typedName === name)) return;
    if (level === "typed-name" && c?.typedName === name) return;
    const wrong = c?.typedName !== undefined && c.typedName !== name;
    throw new CachifyError(
      "confirmation-required",
      `${wrong ? "The typed name does not match. " : ""}${g.what} on ${g.profile.environment} profile "${name}" ${
        level === "typed-name"
          ? `needs the profile name: add --confirm "${name}"`
          : "needs confirmation"
      }.`,
      { details: { level, profile: name, environment: g.profile.environment } },
    );
  }
  let problem: string | undefined;
  const fp = g.fingerprint();
  if (c?.challengeId) {
    problem = g.challenges.redeem(
      c.challengeId,
      {
        profileId: g.profile.id,
        fingerprint: fp,
        level,
        ...(level === "typed-name" ? { expectedText: name } : {}),
      },
      c.typedName,
    );
    if (problem === undefined) return;
  }
  const challenge = g.challenges.issue({
    level,
    profileId: g.profile.id,
    fingerprint: fp,
    ...(level === "typed-name" ? { expectedText: name } : {}),
  });
  throw new CachifyError(
    "confirmation-required",
    `${problem ? `${problem} ` : ""}${g.what} on ${g.profile.environment} profile "${name}" ${
      level === "typed-name" ? `needs the profile name typed: "${name}"` : "needs confirmation"
    }.`,
    {
      details: {
        level,
        profile: name,
        environment: g.profile.environment,
        challengeId: challenge.challengeId,
        expiresAt: challenge.expiresAt,
        ...(challenge.expectedText ? { type: challenge.expectedText } : {}),
      },
    },
  );
}
