import { newId } from "../common/ids.ts";
import type { GuardLevel } from "./levels.ts";

export interface Challenge {
  challengeId: string;
  level: GuardLevel;
  profileId: string;
  fingerprint: string;
  /** What the user must type (the profile name), when the level asks for typing. */
  expectedText?: string;
  expiresAt: number;
}

/**
 * Confirmations issued by the API (HTTP 428). Each is bound to one operation's fingerprint, used
 * once, and expires; a confirmation cannot be replayed for another operation.
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
  redeem(
    challengeId: string,
    profileId: string,
    fp: string,
    typed: string | undefined,
  ): string | undefined {
    const c = this.open.get(challengeId);
    if (!c) return "This confirmation is unknown or was already used: confirm again.";
    if (c.expiresAt < this.now()) {
      this.open.delete(challengeId);
      return "This confirmation expired: confirm again.";
    }
    if (c.profileId !== profileId || c.fingerprint !== fp) {
      return "This confirmation was issued for a different operation: confirm this one.";
    }
    if (c.expectedText !== undefined && typed !== c.expectedText) {
      return `The typed text does not match: type "${c.expectedText}" exactly.`;
    }
    this.open.delete(challengeId);
    return undefined;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, c] of this.open) if (c.expiresAt < t) this.open.delete(id);
  }
}
