import { describe, expect, it } from "vitest";
import { buildProfile } from "../profiles/index.ts";
import { paramsDiff } from "./diff.ts";
import { FingerprintSet } from "./fingerprint-set.ts";
import { defaultPolicy, policyFromPairs, resolvePolicy } from "./policy.ts";
import { paramsFromPairs, validateSpec } from "./templates.ts";
import { expireApplies, targetTtlSeconds } from "./ttl.ts";
import { CsvEntryParser, LineSplitter, parseJsonLine } from "./warmup-source.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("workflow templates: params", () => {
  it("validates and converts CLI text params, with aliases", () => {
    const spec = validateSpec(
      "ttl-normalize",
      paramsFromPairs(["pattern=cache:*", "ttl=600", "mode=clamp-max", "spread=10"]),
    );
    expect(spec).toEqual({
      builtin: "ttl-normalize",
      params: { pattern: "cache:*", ttlSeconds: 600, mode: "clamp-max", spreadPercent: 10 },
    });
    expect(validateSpec("delete-by-pattern", { pattern: "a*", type: "hash", limit: "5" })).toEqual({
      builtin: "delete-by-pattern",
      params: { pattern: "a*", type: "hash", limit: 5 },
    });
  });

  it("names the param and says what to give on every error", () => {
    expect(() => validateSpec("delete-by-pattern", {})).toThrow(/needs the param pattern/);
    expect(() => validateSpec("delete-by-pattern", { pattern: "a[" })).toThrow(
      /Param pattern of delete-by-pattern: .*unclosed/,
    );
    expect(() => validateSpec("delete-by-pattern", { pattern: "*", nope: 1 })).toThrow(
      /has no param "nope": its params are pattern, type, limit/,
    );
    expect(() => validateSpec("ttl-normalize", { pattern: "*", ttl: "soon" })).toThrow(
      /Param ttlSeconds of ttl-normalize must be a whole number/,
    );
    expect(() => validateSpec("ttl-normalize", { pattern: "*", ttl: 5, mode: "max" })).toThrow(
      /Param mode of ttl-normalize must be one of all, persistent-only, clamp-max, clamp-min/,
    );
    expect(() => validateSpec("warmup-set", { condition: "always" })).toThrow(
      /param content .*, param entries .*, or param file/,
    );
    expect(() => validateSpec("warmup-set", { content: "key,value\n", entries: [] })).toThrow(
      /from one place/,
    );
    expect(() => validateSpec("nope", {})).toThrow(/Unknown template "nope"/);
    expect(() => validateSpec("ttl-normalize", { pattern: "*", ttl: 5, ttlSeconds: 6 })).toThrow(
      /given twice/,
    );
    expect(() => paramsFromPairs(["pattern"])).toThrow(/is not K=V/);
  });

  it("checks inline warm-up entries", () => {
    expect(() => validateSpec("warmup-set", { entries: [{ value: "v" }] })).toThrow(
      /entry 1 of param entries needs a key/,
    );
    const spec = validateSpec("warmup-set", {
      entries: [{ key: "k", value: "v", ttlSeconds: 5 }],
      condition: "if-absent",
    });
    expect(spec.params).toMatchObject({ condition: "if-absent" });
  });
});

describe("ttl-normalize rules", () => {
  const params = { pattern: "*", ttlSeconds: 1000, mode: "all" as const, spreadPercent: 20 };
  it("spreads each key's TTL the same way every time, within the bound", () => {
    const key = new TextEncoder().encode("user:1");
    const a = targetTtlSeconds(params, key);
    expect(targetTtlSeconds(params, key)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(800);
    expect(a).toBeLessThanOrEqual(1000);
    const up = targetTtlSeconds({ ...params, mode: "clamp-min" }, key);
    expect(up).toBeGreaterThanOrEqual(1000);
    expect(up).toBeLessThanOrEqual(1200);
    const spread = new Set(
      Array.from({ length: 50 }, (_, i) =>
        targetTtlSeconds(params, new TextEncoder().encode(`k${i}`)),
      ),
    );
    expect(spread.size).toBeGreaterThan(10);
  });

  it("decides which keys change per mode", () => {
    expect(expireApplies("always", 5000, 10)).toBe(true);
    expect(expireApplies("always", -2, 10)).toBe(false);
    expect(expireApplies("if-persistent", -1, 10)).toBe(true);
    expect(expireApplies("if-persistent", 5000, 10)).toBe(false);
    expect(expireApplies("if-lower", -1, 10)).toBe(true);
    expect(expireApplies("if-lower", 20_000, 10)).toBe(true);
    expect(expireApplies("if-lower", 5000, 10)).toBe(false);
    expect(expireApplies("if-higher", 5000, 10)).toBe(true);
    expect(expireApplies("if-higher", -1, 10)).toBe(false);
  });
});

describe("execution policy", () => {
  const profile = buildProfile({ name: "p", url: "redis://127.0.0.1:6379", timeoutMs: 1234 });
  it("defaults from the profile and takes dotted settings", () => {
    const base = defaultPolicy(profile);
    expect(base.stepTimeoutMs).toBe(1234);
    const p = resolvePolicy(
      base,
      policyFromPairs([
        "retry.maxAttempts=4",
        "retry.backoff=constant",
        "retry.retryOn=connection,LOADING",
        "abort.maxErrorRatio=0.5",
        "onAbort=rollback",
        "batchSize=50",
      ]),
    );
    expect(p.retry).toMatchObject({
      maxAttempts: 4,
      backoff: "constant",
      retryOn: ["connection", "LOADING"],
    });
    expect(p.abort.maxErrorRatio).toBe(0.5);
    expect(p.onAbort).toBe("stopAndRollback");
    expect(p.batchSize).toBe(50);
    expect(resolvePolicy(base, { retry: { maxAttempts: 2 } }).retry.maxAttempts).toBe(2);
  });
  it("refuses unknown settings and bad values by name", () => {
    const base = defaultPolicy(profile);
    expect(() => resolvePolicy(base, { "retry.max": 1 })).toThrow(
      /Unknown policy setting "retry.max"/,
    );
    expect(() => resolvePolicy(base, { batchSize: 0 })).toThrow(/Policy batchSize must be/);
    expect(() => resolvePolicy(base, { "retry.retryOn": "nope" })).toThrow(
      /retry.retryOn must be one of/,
    );
  });
});

describe("fingerprint set and params diff", () => {
  it("de-duplicates keys across growth", () => {
    const s = new FingerprintSet(16);
    const enc = new TextEncoder();
    let added = 0;
    for (let i = 0; i < 50_000; i++) if (s.add(enc.encode(`k:${i}`))) added++;
    for (let i = 0; i < 50_000; i += 7) if (s.add(enc.encode(`k:${i}`))) added++;
    expect(added).toBe(50_000);
    expect(s.size).toBe(50_000);
    const r = new FingerprintSet(16);
    r.add(enc.encode("k:0"));
    r.reserve(100_000);
    expect(r.bytes).toBeGreaterThanOrEqual((100_000 / 0.92) * 8);
    expect(r.bytes).toBeLessThanOrEqual((100_000 / 0.85) * 8);
    expect(r.add(enc.encode("k:0"))).toBe(false);
    expect(r.add(enc.encode("k:1"))).toBe(true);
  });
  it("lists changed params in name order", () => {
    expect(
      paramsDiff({ pattern: "a*", ttlSeconds: 60 }, { pattern: "a*", ttlSeconds: 90, mode: "all" }),
    ).toEqual([
      { param: "mode", from: null, to: "all" },
      { param: "ttlSeconds", from: 60, to: 90 },
    ]);
    expect(paramsDiff({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe("warm-up sources", () => {
  it("reads JSON lines, stringifying non-text values, naming the bad line", () => {
    const e = parseJsonLine('{"key":"k","value":{"a":1},"ttlSeconds":5}', 1)!;
    expect(text(e.key)).toBe("k");
    expect(text(e.value)).toBe('{"a":1}');
    expect(e.ttlSeconds).toBe(5);
    expect(parseJsonLine("   ", 2)).toBeUndefined();
    expect(() => parseJsonLine("{bad", 3)).toThrow(/line 3 is not valid JSON at column 2/);
    expect(() => parseJsonLine('{"value":"v"}', 4)).toThrow(/line 4 has no key/);
  });
  it("splits lines across chunks", () => {
    const out: string[] = [];
    const s = new LineSplitter();
    s.push("a\r\nb", (l) => out.push(l));
    s.push("c\nd", (l) => out.push(l));
    s.end((l) => out.push(l));
    expect(out).toEqual(["a", "bc", "d"]);
  });
  it("parses CSV with quotes, commas and newlines split across chunks", () => {
    const p = new CsvEntryParser();
    const all = [
      ...p.push('key,value,ttlSeconds\n"a,1","say ""hi'),
      ...p.push('""",10\nb,"multi\nline",\n'),
      ...p.push("c,plain,"),
      ...p.end(),
    ];
    expect(all.map((e) => [text(e.key), text(e.value), e.ttlSeconds])).toEqual([
      ["a,1", 'say "hi"', 10],
      ["b", "multi\nline", undefined],
      ["c", "plain", undefined],
    ]);
    expect(() => new CsvEntryParser().push("k,v\n")).toThrow(/must be a header/);
    // The header line may be any file's first line: the error names the missing column only.
    expect(() => new CsvEntryParser().push("key,secret-data\n")).toThrow(
      /^CSV line 1 must be a header .*; it names no value column\.$/,
    );
    const q = new CsvEntryParser();
    q.push("key,value\n");
    expect(() => q.push("a,b,c\n")).toThrow(/CSV line 2 has 3 fields/);
  });
});
