import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import {
  OPERATION_SPECS,
  type OperationClass,
  type OperationSpec,
} from "../operations/classify.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";
import { requiredLevel } from "./confirmation.ts";
import { DEFAULT_GUARDRAIL_LEVELS, type GuardrailLevels, mergeGuardrailLevels } from "./levels.ts";

const profile = (environment: Environment) => ({ environment }) as ConnectionProfile;
const raw = (cls: OperationClass): OperationSpec => ({
  class: cls,
  idempotent: false,
  bulk: false,
});

/** The bad-input error `fn` throws, for its message and `details.param`. */
function refusal(fn: () => unknown): CachifyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    expect((e as CachifyError).code).toBe("bad-input");
    return e as CachifyError;
  }
  throw new Error("expected a bad-input refusal");
}

describe("guardrail levels per environment", () => {
  it("defaults to safety.md's table", () => {
    const at = (env: Environment) => ({
      destructive: requiredLevel(
        profile(env),
        OPERATION_SPECS.delete,
        false,
        DEFAULT_GUARDRAIL_LEVELS,
      ),
      create: requiredLevel(profile(env), OPERATION_SPECS.setAdd, false, DEFAULT_GUARDRAIL_LEVELS),
      read: requiredLevel(profile(env), OPERATION_SPECS.get, false, DEFAULT_GUARDRAIL_LEVELS),
      raw: requiredLevel(profile(env), raw("write"), true, DEFAULT_GUARDRAIL_LEVELS),
      rawRead: requiredLevel(profile(env), raw("read"), true, DEFAULT_GUARDRAIL_LEVELS),
    });
    expect(at("dev")).toEqual({
      destructive: "confirm",
      create: "none",
      read: "none",
      raw: "none",
      rawRead: "none",
    });
    expect(at("staging")).toMatchObject({ destructive: "confirm", raw: "confirm" });
    expect(at("prod")).toMatchObject({ destructive: "typed-name", raw: "typed-name" });
  });

  it("merges a partial change per environment and action, and requiredLevel follows it", () => {
    const levels = mergeGuardrailLevels(DEFAULT_GUARDRAIL_LEVELS, {
      dev: { destructive: "typed-name" },
      staging: { raw: "none" },
    });
    expect(levels).toEqual({
      dev: { destructive: "typed-name", raw: "none" },
      staging: { destructive: "confirm", raw: "none" },
      prod: { destructive: "typed-name", raw: "typed-name" },
    });
    expect(requiredLevel(profile("dev"), OPERATION_SPECS.delete, false, levels)).toBe("typed-name");
    expect(requiredLevel(profile("staging"), raw("admin"), true, levels)).toBe("none");
    expect(requiredLevel(profile("staging"), raw("destructive"), true, levels)).toBe("none");
    // Reads and creating writes never ask, whatever the levels.
    const strict = mergeGuardrailLevels(levels, {
      dev: { destructive: "typed-name", raw: "typed-name" },
    });
    expect(requiredLevel(profile("dev"), OPERATION_SPECS.get, false, strict)).toBe("none");
    expect(requiredLevel(profile("dev"), raw("read"), true, strict)).toBe("none");
    expect(
      requiredLevel(profile("dev"), { ...OPERATION_SPECS.set, class: "write" }, false, strict),
    ).toBe("none");
    // The input is not changed, and an empty change changes nothing.
    expect(DEFAULT_GUARDRAIL_LEVELS.dev.destructive).toBe("confirm");
    expect(mergeGuardrailLevels(levels, {})).toEqual(levels);
  });

  it("refuses to lower prod, naming the field; typed-name on prod is accepted as a no-op", () => {
    for (const level of ["none", "confirm"]) {
      for (const action of ["destructive", "raw"]) {
        const e = refusal(() =>
          mergeGuardrailLevels(DEFAULT_GUARDRAIL_LEVELS, { prod: { [action]: level } }),
        );
        expect(e.details).toEqual({ param: `prod.${action}` });
        expect(e.message).toBe(
          `prod.${action} cannot be lowered to ${level}: production always asks for the profile name typed (a safety rule).`,
        );
      }
    }
    // A valid part beside a refused one is not applied either (the caller stores nothing).
    expect(() =>
      mergeGuardrailLevels(DEFAULT_GUARDRAIL_LEVELS, {
        dev: { raw: "confirm" },
        prod: { raw: "none" },
      }),
    ).toThrow(/prod\.raw/);
    expect(
      mergeGuardrailLevels(DEFAULT_GUARDRAIL_LEVELS, {
        prod: { destructive: "typed-name", raw: "typed-name" },
      }),
    ).toEqual(DEFAULT_GUARDRAIL_LEVELS);
  });

  it("keeps prod at typed-name in requiredLevel even if handed lower levels", () => {
    const forged = {
      ...DEFAULT_GUARDRAIL_LEVELS,
      prod: { destructive: "none", raw: "none" },
    } as GuardrailLevels;
    expect(requiredLevel(profile("prod"), OPERATION_SPECS.delete, false, forged)).toBe(
      "typed-name",
    );
    expect(requiredLevel(profile("prod"), raw("write"), true, forged)).toBe("typed-name");
  });

  it("refuses unknown environments and actions, bad levels and non-objects, naming the field", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ qa: { raw: "none" } }, "qa", /Unknown environment "qa": use one of dev, staging, prod/],
      [{ dev: "none" }, "dev", /dev must be an object/],
      [{ dev: { delete: "none" } }, "dev.delete", /use dev\.destructive or dev\.raw/],
      [
        { staging: { raw: "ask" } },
        "staging.raw",
        /staging\.raw must be one of none, confirm, typed-name \(got "ask"\)/,
      ],
      [{ dev: { raw: null } }, "dev.raw", /got null/],
      [[], "levels", /must be an object such as/],
      [null, "levels", /must be an object such as/],
    ];
    for (const [input, param, message] of cases) {
      const e = refusal(() => mergeGuardrailLevels(DEFAULT_GUARDRAIL_LEVELS, input));
      expect(e.details).toEqual({ param });
      expect(e.message).toMatch(message);
    }
  });
});
