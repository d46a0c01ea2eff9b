import { isApiError } from "../api/client.ts";
import type { ChallengeDetails, PlanChallengeDetails } from "../api/types.ts";

/**
 * A 428 answer's details, as the server sends them (docs/design/safety.md): `confirm` and
 * `typed-name` for single keys, selections and restores; `typed-count` and
 * `typed-count-and-name` (with `type: {count, name}`) for workflow plans.
 */
export type Challenge = ChallengeDetails | PlanChallengeDetails;

/** The answer sent back with the same request: the challenge id and what was typed. */
export interface GuardAnswer {
  challengeId: string;
  typedName?: string;
  count?: string;
}

const LEVELS = new Set(["confirm", "typed-name", "typed-count", "typed-count-and-name"]);

export function challengeOf(e: unknown): Challenge | undefined {
  if (!isApiError(e) || e.code !== "confirmation-required") return undefined;
  const d = e.details;
  if (!d || typeof d.challengeId !== "string" || !LEVELS.has(String(d.level))) return undefined;
  return d as unknown as Challenge;
}

export function isCountChallenge(c: Challenge): c is PlanChallengeDetails {
  return c.level === "typed-count" || c.level === "typed-count-and-name";
}

/** The text the user must type, if any: the key count, the profile name. */
export function expectedOf(c: Challenge): { count?: string; name?: string } {
  if (isCountChallenge(c)) {
    return {
      count: c.type.count,
      ...(c.level === "typed-count-and-name" && c.type.name !== undefined
        ? { name: c.type.name }
        : {}),
    };
  }
  return c.level === "typed-name" ? { name: c.type ?? c.profile } : {};
}

/** "12,345" and "12 345" read as 12345: separators are how people write big numbers. */
export function normalizeCount(typed: string): string {
  return typed.replace(/[\s,._']/g, "");
}
