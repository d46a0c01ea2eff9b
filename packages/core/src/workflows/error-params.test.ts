import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { buildProfile } from "../profiles/index.ts";
import { defaultPolicy, POLICY_SETTINGS, policyFromPairs, resolvePolicy } from "./policy.ts";
import { BUILTIN_TEMPLATES, type ParamDescriptor } from "./template-descriptors.ts";
import {
  MAX_INLINE_ENTRIES,
  paramsFromPairs,
  templateDescriptor,
  validateSpec,
} from "./templates.ts";
import type { BuiltinTemplateId } from "./types.ts";

/**
 * Every refusal of a template's params or of a policy names what it refuses in
 * `details.param` (issue 15): the web puts the message next to that field, never guessing it
 * from the message. The params and settings are walked from the descriptors and the policy's
 * list, so a new one without its `details.param` fails here.
 */

/** The param a bad-input error names, or a description of what went wrong instead. */
function paramOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CachifyError)) return `not a CachifyError: ${String(e)}`;
    if (e.code !== "bad-input") return `code ${e.code}: ${e.message}`;
    return e.details?.param ?? `no details.param: ${e.message}`;
  }
  return "accepted";
}

/** The least each template needs: a bad value of one param is checked against these. */
const VALID: Record<BuiltinTemplateId, Record<string, unknown>> = {
  "delete-by-pattern": { pattern: "a:*" },
  "ttl-normalize": { pattern: "a:*", ttlSeconds: 60 },
  "warmup-set": { entries: [{ key: "k", value: "v" }] },
};

/** A value each kind of param refuses (a kind missing here fails the walk). */
const BAD: Record<ParamDescriptor["type"], unknown> = {
  string: 42,
  integer: "ten",
  number: "lots",
  enum: "no-such-value",
  entries: "not a list",
};

/** Bad values of a param beyond its kind's (its range, its syntax, its parts). */
const MORE_BAD: Record<string, unknown[]> = {
  pattern: ["a\\", "a["],
  ttlSeconds: [0, 315_360_001, 1.5],
  limit: [0, -1],
  spreadPercent: [-1, 51],
  entries: [
    [42],
    [{ value: "v" }],
    [{ key: "k" }],
    [{ key: "k", keyBase64: "aw==", value: "v" }],
    [{ key: 7, value: "v" }],
    [{ key: "k", value: "v", ttlSeconds: 0 }],
    Array.from({ length: MAX_INLINE_ENTRIES + 1 }, (_, i) => ({ key: `k${i}`, value: "v" })),
  ],
};

describe("every template and policy check names its param (details.param)", () => {
  let checked = 0;
  const expectParam = (f: () => unknown, param: string) => {
    expect(paramOf(f)).toBe(param);
    checked++;
  };

  it("walks every param of every built-in template", () => {
    const kinds = new Set<string>();
    for (const t of BUILTIN_TEMPLATES) {
      const valid = VALID[t.id];
      expect(() => validateSpec(t.id, valid), t.id).not.toThrow();
      for (const d of t.params) {
        kinds.add(d.type);
        const others = Object.fromEntries(
          Object.entries(valid).filter(([k]) => k !== d.name && !d.aliases?.includes(k)),
        );
        // A warm-up takes one source: a bad file or content is checked without the entries.
        const base = ["file", "content"].includes(d.name) ? {} : others;
        for (const bad of [BAD[d.type], ...(MORE_BAD[d.name] ?? [])]) {
          expectParam(() => validateSpec(t.id, { ...base, [d.name]: bad }), d.name);
          // The same under each alias.
          for (const alias of d.aliases ?? []) {
            expectParam(() => validateSpec(t.id, { ...base, [alias]: bad }), d.name);
          }
        }
        if (d.required) expectParam(() => validateSpec(t.id, others), d.name);
        for (const alias of d.aliases ?? []) {
          expectParam(
            () => validateSpec(t.id, { ...valid, [d.name]: valid[d.name] ?? 1, [alias]: 1 }),
            d.name,
          );
        }
      }
      expectParam(() => validateSpec(t.id, { ...valid, nosuch: 1 }), "nosuch");
    }
    expect([...kinds].sort()).toEqual(Object.keys(BAD).sort());
  });

  it("names the warm-up's source, the template and the CLI's pairs", () => {
    expectParam(() => validateSpec("warmup-set", {}), "entries");
    expectParam(
      () => validateSpec("warmup-set", { ...VALID["warmup-set"], content: "key,value\n" }),
      "entries",
    );
    expectParam(() => validateSpec("no-such-template", {}), "template");
    expectParam(() => templateDescriptor("nope"), "template");
    expectParam(() => paramsFromPairs(["pattern"]), "pattern");
    expectParam(() => paramsFromPairs(["=x"]), "params");
    expectParam(() => paramsFromPairs(["entries=[oops"]), "entries");
  });

  it("walks every policy setting, flat and nested", () => {
    const base = defaultPolicy(
      buildProfile({ name: "p", url: "redis://127.0.0.1:6379" }, undefined, 0),
    );
    for (const name of POLICY_SETTINGS) {
      expectParam(() => resolvePolicy(base, { [name]: "bogus" }), `policy.${name}`);
      const nested = name
        .split(".")
        .reduceRight<unknown>((inner, key) => ({ [key]: inner }), "bogus") as Record<
        string,
        unknown
      >;
      expectParam(() => resolvePolicy(base, nested), `policy.${name}`);
    }
    expectParam(() => resolvePolicy(base, { batchSize: 0 }), "policy.batchSize");
    expectParam(() => resolvePolicy(base, { batchSize: 10_001 }), "policy.batchSize");
    expectParam(
      () => resolvePolicy(base, { retry: { maxAttempts: 1.5 } }),
      "policy.retry.maxAttempts",
    );
    expectParam(() => resolvePolicy(base, { "retry.retryOn": "OOM,nope" }), "policy.retry.retryOn");
    expectParam(() => resolvePolicy(base, { retry: { x: 1 } }), "policy.retry.x");
    expectParam(() => resolvePolicy(base, { nosuch: 1 }), "policy.nosuch");
    expectParam(
      () => resolvePolicy(base, { "retry.initialDelayMs": 500, "retry.maxDelayMs": 100 }),
      "policy.retry.maxDelayMs",
    );
    expectParam(() => policyFromPairs(["batchSize"]), "policy.batchSize");
    expectParam(() => policyFromPairs(["=3"]), "policy");
  });

  it("counts the checks", () => {
    // Every template param (each kind's bad value, its own bad values, missing, aliases) and
    // every policy setting (flat and nested), plus the named extras.
    const params = BUILTIN_TEMPLATES.reduce((n, t) => n + t.params.length, 0);
    console.log(
      `workflows: ${params} params of ${BUILTIN_TEMPLATES.length} templates and ${POLICY_SETTINGS.length} policy settings; ${checked} refusals checked, each naming its details.param`,
    );
    expect(checked).toBeGreaterThan(2 * POLICY_SETTINGS.length + 40);
  });
});
