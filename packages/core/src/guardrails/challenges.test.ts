import { describe, expect, it } from "vitest";
import type { CachifyError } from "../common/errors.ts";
import { enforceConfirmation, operationNeed } from "../gate/confirm.ts";
import { OPERATION_SPECS } from "../operations/classify.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";
import { ChallengeRegistry } from "./challenges.ts";
import { DEFAULT_GUARDRAIL_LEVELS } from "./levels.ts";

const profile = (environment: Environment, name = "orders") =>
  ({ id: "prof_1", name, environment }) as ConnectionProfile;

/** A key delete through the API's guard: the 428 it answers, or nothing when it may run. */
function guard(
  challenges: ChallengeRegistry,
  p: ConnectionProfile,
  confirmation?: { challengeId: string; typedName?: string },
): CachifyError | undefined {
  try {
    const need = operationNeed({
      profile: p,
      spec: OPERATION_SPECS.delete,
      raw: false,
      what: "delete",
      levels: DEFAULT_GUARDRAIL_LEVELS,
      fingerprint: () => "fp-delete-k",
    });
    enforceConfirmation(need, "api", confirmation, challenges);
    return undefined;
  } catch (e) {
    expect((e as CachifyError).code).toBe("confirmation-required");
    return e as CachifyError;
  }
}

describe("a challenge carries the level it was issued at", () => {
  it("refuses a confirm-level answer once the profile is prod, and asks for the typed name", () => {
    const challenges = new ChallengeRegistry();
    const first = guard(challenges, profile("staging"));
    expect(first?.details).toMatchObject({ level: "confirm" });
    const id = first?.details?.challengeId as string;

    // The profile was raised to prod between the 428 and the answer.
    const replayed = guard(challenges, profile("prod"), { challengeId: id });
    expect(replayed?.message).toMatch(
      /given at the confirm level, but the operation now needs typed-name/,
    );
    expect(replayed?.details).toMatchObject({ level: "typed-name", type: "orders" });
    // Spent: the same id is not accepted later either, even with the name typed.
    expect(
      guard(challenges, profile("prod"), { challengeId: id, typedName: "orders" }),
    ).toBeDefined();

    const fresh = replayed?.details?.challengeId as string;
    expect(guard(challenges, profile("prod"), { challengeId: fresh, typedName: "orders" })).toBe(
      undefined,
    );

    // An answer at the level it was issued is accepted, and a higher one for a lower need.
    const again = guard(challenges, profile("staging"))?.details?.challengeId as string;
    expect(guard(challenges, profile("staging"), { challengeId: again })).toBeUndefined();

    const prod = guard(challenges, profile("prod"))?.details?.challengeId as string;
    // Lowered to staging since: the typed-name confirmation still covers a confirm.
    expect(guard(challenges, profile("staging"), { challengeId: prod, typedName: "orders" })).toBe(
      undefined,
    );
  });

  it("asks for the profile's current name, not the one it had when the challenge was issued", () => {
    const challenges = new ChallengeRegistry();
    const id = guard(challenges, profile("prod", "orders"))?.details?.challengeId as string;
    const renamed = profile("prod", "orders-eu");
    const refused = guard(challenges, renamed, { challengeId: id, typedName: "orders" });
    expect(refused?.message).toMatch(/type "orders-eu" exactly/);
    expect(guard(challenges, renamed, { challengeId: id, typedName: "orders-eu" })).toBeUndefined();
  });
});
