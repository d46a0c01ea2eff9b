import { describe, expect, it } from "vitest";
import type { CachifyError } from "../common/errors.ts";
import { ChallengeRegistry } from "../guardrails/challenges.ts";
import type { Confirmation } from "../guardrails/confirmation.ts";
import type { Origin } from "../history/event.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";
import { enforceConfirmation, planNeed } from "./confirm.ts";

const profile = (environment: Environment) =>
  ({ id: "prof_1", name: "cache", environment }) as ConnectionProfile;

/** Checks the typed answer to running plan_1 (42 keys), or another plan. */
function check(
  challenges: ChallengeRegistry,
  env: Environment,
  origin: Origin,
  c: Confirmation | undefined,
  planId = "plan_1",
): void {
  const need = planNeed(profile(env), { planId, matched: 42, templateName: "delete-by-pattern" });
  enforceConfirmation(need, origin, c, challenges);
}

describe("plan confirmations (safety.md: typed count, and name on prod), one registry", () => {
  it("CLI: the count on every environment, the name too on prod", () => {
    const c = new ChallengeRegistry();
    expect(() => check(c, "dev", "cli", undefined)).toThrow(/--confirm-count 42/);
    expect(() => check(c, "dev", "cli", { typedCount: "41" })).toThrow(
      /The count 41 is not the plan's 42/,
    );
    expect(() => check(c, "dev", "cli", { typedCount: " 42" })).not.toThrow();
    expect(() => check(c, "prod", "cli", { typedCount: "42" })).toThrow(/--confirm "cache"/);
    expect(() => check(c, "prod", "cli", { typedCount: "42", typedName: "cache" })).not.toThrow();
    // Acknowledging is the confirm level's answer, never a plan's.
    expect(() => check(c, "dev", "cli", { acknowledged: true })).toThrow(/--confirm-count 42/);
  });

  it("every other origin: a challenge bound to the plan, used once, expiring", () => {
    let now = 1000;
    const c = new ChallengeRegistry(60_000, () => now);
    let id = "";
    try {
      check(c, "prod", "api", undefined);
    } catch (e) {
      const d = (e as CachifyError).details!;
      expect(d).toMatchObject({
        level: "typed-count-and-name",
        type: { count: "42", name: "cache" },
      });
      id = d.challengeId as string;
    }
    expect(id).not.toBe("");
    // The typed flags bound by construction are the CLI's alone: the API must answer a challenge.
    expect(() => check(c, "prod", "api", { typedCount: "42", typedName: "cache" })).toThrow(
      /type the count 42/,
    );
    expect(() => check(c, "prod", "api", { challengeId: id, typedCount: "42" })).toThrow(
      /typed name does not match/,
    );
    expect(() =>
      check(c, "prod", "api", { challengeId: id, typedCount: "42", typedName: "cache" }, "plan_2"),
    ).toThrow(/different plan/);
    expect(() =>
      check(c, "prod", "api", { challengeId: id, typedCount: "42", typedName: "cache" }),
    ).not.toThrow();
    expect(() =>
      check(c, "prod", "api", { challengeId: id, typedCount: "42", typedName: "cache" }),
    ).toThrow(/unknown or was already used/);
    let id2 = "";
    try {
      check(c, "dev", "api", {});
    } catch (e) {
      id2 = (e as CachifyError).details!.challengeId as string;
    }
    now += 61_000;
    expect(() => check(c, "dev", "api", { challengeId: id2, typedCount: "42" })).toThrow(/expired/);
  });

  it("a plan's challenge cannot answer a single operation, nor the other way round", () => {
    const c = new ChallengeRegistry();
    let planChallenge = "";
    try {
      check(c, "dev", "api", undefined);
    } catch (e) {
      planChallenge = (e as CachifyError).details!.challengeId as string;
    }
    const redeemed = c.redeem(
      planChallenge,
      { profileId: "prof_1", fingerprint: "fp-delete-k", level: "confirm", expected: {} },
      {},
    );
    expect(redeemed).toMatch(/different plan/);
  });
});
