import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import type { Environment } from "../profiles/profile.ts";
import { type AlertRuleInput, buildAlertRule } from "./alerts.ts";
import { DEFAULT_OBSERVABILITY_SETTINGS, mergeSettings } from "./settings.ts";

/**
 * Every refusal of an alert rule or of the observability settings names the field it refuses in
 * `details.param` (issue 15), the request's own name for it: the web forms map it to their
 * fields in one table each, never reading the message.
 */

function paramOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CachifyError) || e.code !== "bad-input") return `not bad-input: ${e}`;
    return e.details?.param ?? `no details.param: ${e.message}`;
  }
  return "accepted";
}

/** Every leaf of an object as a dotted path ("health.memoryRatio"). */
function leaves(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** `{a: {b: value}}` from "a.b". */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path.split(".").reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<
    string,
    unknown
  >;
}

describe("alert rules and observability settings name their params", () => {
  it("walks every setting: a wrong kind and each bound", () => {
    const paths = leaves(DEFAULT_OBSERVABILITY_SETTINGS);
    expect(paths).toHaveLength(10);
    let n = 0;
    for (const path of paths) {
      for (const bad of ["bogus", -1, 1e12]) {
        const got = paramOf(() => mergeSettings(DEFAULT_OBSERVABILITY_SETTINGS, nested(path, bad)));
        // Every setting refuses text and -1; all but slowPingMs (no upper bound) refuse 1e12.
        if (got === "accepted" && typeof bad === "number" && path === "health.slowPingMs") continue;
        expect(got, `${path} = ${bad}`).toBe(path);
        n++;
      }
    }
    console.log(`observability settings: ${paths.length} params, ${n} refusals naming them`);
  });

  it("walks every field of an alert rule", () => {
    const valid: AlertRuleInput = { name: "r", metric: "up", op: "<", threshold: 1 };
    expect(() => buildAlertRule(valid, undefined, "alr_1", 0)).not.toThrow();
    const cases: [Partial<Record<keyof AlertRuleInput, unknown>>, string][] = [
      [{ name: "" }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ metric: "nope" }, "metric"],
      [{ op: "=~" }, "op"],
      [{ threshold: Number.NaN }, "threshold"],
      [{ reduce: "median" }, "reduce"],
      [{ windowMs: 7_200_000 }, "windowMs"],
      [{ windowMs: 999 }, "windowMs"],
      [{ forMs: -1 }, "forMs"],
      [{ forMs: 1.5 }, "forMs"],
      [{ repeatIntervalMs: 10 }, "repeatIntervalMs"],
      [{ severity: "fatal" }, "severity"],
      [{ scope: { environments: ["dev", "qa" as Environment] } }, "scope.environments.1"],
    ];
    for (const [over, param] of cases) {
      const input = { ...valid, ...over } as AlertRuleInput;
      expect(
        paramOf(() => buildAlertRule(input, undefined, "alr_1", 0)),
        param,
      ).toBe(param);
    }
    // A rule missing what it needs names that field too.
    for (const field of ["name", "metric", "op", "threshold"] as const) {
      const { [field]: _, ...rest } = valid;
      expect(
        paramOf(() => buildAlertRule(rest, undefined, "alr_1", 0)),
        field,
      ).toBe(field);
    }
    console.log(`alert rules: ${cases.length + 4} refusals naming their param`);
  });
});
