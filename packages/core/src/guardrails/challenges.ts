import { newId } from "../common/ids.ts";
import { type GuardLevel, guardLevelRank } from "./levels.ts";

export interface Challenge {
  challengeId: string;
  level: GuardLevel;
  profileId: string;
  fingerprint: string;
  /** What the user must type (the profile name), when the level asks for typing. */
  expectedText?: string;
  expiresAt: number;
}

/** What an operation needs now, checked against the challenge that is answered. */
export interface ChallengeNeed {
  profileId: string;
  fingerprint: string;
  /** The level the operation needs at the time of the answer (the profile may have changed). */
  level: GuardLevel;
  /** The text to type now (the profile's current name), at the typed-name level. */
  expectedText?: string;
}

/**
 * Confirmations issued by the API (HTTP 428). Each is bound to one operation's fingerprint and to
 * the level it was issued at, used once, and expires: a confirmation cannot be replayed for
 * another operation, nor for the same one once it needs more (a profile raised to prod).
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
  redeem(challengeId: string, need: ChallengeNeed, typed: string | undefined): string | undefined {
    const c = this.open.get(challengeId);
    if (!c) return "This confirmation is unknown or was already used: confirm again.";
    if (c.expiresAt < this.now()) {
      this.open.delete(challengeId);
      return "This confirmation expired: confirm again.";
    }
    if (c.profileId !== need.profileId || c.fingerprint !== need.fingerprint) {
      return "This confirmation was issued for a different operation: confirm this one.";
    }
    if (guardLevelRank(c.level) < guardLevelRank(need.level)) {
      // Spent: it can never become enough, and the caller issues one at the right level.
      this.open.delete(challengeId);
      return `This confirmation was given at the ${c.level} level, but the operation now needs ${need.level} (the profile or the guardrails changed since): confirm again.`;
    }
    const expected = need.expectedText ?? c.expectedText;
    if (expected !== undefined && typed !== expected) {
      return `The typed text does not match: type "${expected}" exactly.`;
    }
    this.open.delete(challengeId);
    return undefined;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, c] of this.open) if (c.expiresAt < t) this.open.delete(id);
  }
}
