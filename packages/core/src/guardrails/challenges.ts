import { newId } from "../common/ids.ts";
import type { GuardLevel } from "./levels.ts";

/**
 * Every level a confirmation can be asked at: the guard levels of single operations and profile
 * changes, and the typed count of a workflow plan (with the profile name on prod). Ordered by
 * what they ask.
 */
export type ChallengeLevel = GuardLevel | "typed-count" | "typed-count-and-name";

const CHALLENGE_LEVELS: readonly ChallengeLevel[] = [
  "none",
  "confirm",
  "typed-name",
  "typed-count",
  "typed-count-and-name",
];

const rank = (level: ChallengeLevel): number => CHALLENGE_LEVELS.indexOf(level);

/** What the user must type: the profile name, the plan's matched count, or both. */
export interface Expected {
  name?: string;
  count?: string;
}

/** What the user typed. */
export interface Typed {
  name?: string | undefined;
  count?: string | undefined;
}

/** What a challenge is bound to, as its refusals name it. */
export type ChallengeSubject = "operation" | "plan";

export interface Challenge {
  challengeId: string;
  level: ChallengeLevel;
  subject: ChallengeSubject;
  profileId: string;
  fingerprint: string;
  expected: Expected;
  expiresAt: number;
}

/** What an action needs now, checked against the challenge that is answered. */
export interface ChallengeNeed {
  profileId: string;
  fingerprint: string;
  /** The level needed at the time of the answer (the profile may have changed). */
  level: ChallengeLevel;
  /** What must be typed now (the profile's current name, the plan's count). */
  expected: Expected;
}

/**
 * The one registry of confirmations the API hands out (HTTP 428), for single operations, profile
 * changes and workflow plans alike. Each is bound to one action's fingerprint and to the level it
 * was issued at, used once, and expires: a confirmation cannot be replayed for another action,
 * nor for the same one once it needs more (a profile raised to prod).
 */
export class ChallengeRegistry {
  private readonly open = new Map<string, Challenge>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(fields: Omit<Challenge, "challengeId" | "expiresAt">): Challenge {
    this.sweep();
    const c: Challenge = {
      ...fields,
      challengeId: newId("chal"),
      expiresAt: this.now() + this.ttlMs,
    };
    this.open.set(c.challengeId, c);
    return c;
  }

  /** Checks and consumes. Returns why it does not fit, or undefined when it does. */
  redeem(challengeId: string, need: ChallengeNeed, typed: Typed): string | undefined {
    const c = this.open.get(challengeId);
    if (!c) return "This confirmation is unknown or was already used: confirm again.";
    if (c.expiresAt < this.now()) {
      this.open.delete(challengeId);
      return "This confirmation expired: confirm again.";
    }
    if (c.profileId !== need.profileId || c.fingerprint !== need.fingerprint) {
      return `This confirmation was issued for a different ${c.subject}: confirm this one.`;
    }
    if (rank(c.level) < rank(need.level)) {
      // Spent: it can never become enough, and the caller issues one at the right level.
      this.open.delete(challengeId);
      return `This confirmation was given at the ${c.level} level, but the ${c.subject} now needs ${need.level} (the profile or the guardrails changed since): confirm again.`;
    }
    const mismatch = mismatchOf(need.expected, typed);
    if (mismatch) return mismatch;
    this.open.delete(challengeId);
    return undefined;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, c] of this.open) if (c.expiresAt < t) this.open.delete(id);
  }
}

/** The first expected text the user did not type exactly, as a sentence; undefined when all fit. */
function mismatchOf(expected: Expected, typed: Typed): string | undefined {
  if (expected.count !== undefined && typed.count?.trim() !== expected.count)
    return `The typed count does not match: type ${expected.count} exactly.`;
  if (expected.name !== undefined && typed.name !== expected.name)
    return `The typed name does not match: type "${expected.name}" exactly.`;
  return undefined;
}
