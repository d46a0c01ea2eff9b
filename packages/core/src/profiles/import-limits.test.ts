import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { parseConnectionsFile } from "./import-formats.ts";
import { MAX_IMPORT_ENTRIES } from "./import-limits.ts";

function refusal(fn: () => unknown): CachifyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    return e as CachifyError;
  }
  throw new Error("expected a refusal");
}

describe("imports: linear in their entries, capped", () => {
  it("names 40,000 repeats of one address in linear time, each name within 64 characters", () => {
    const n = 40_000;
    const started = performance.now();
    const r = parseConnectionsFile("redis://127.0.0.1:6379\n".repeat(n));
    const ms = performance.now() - started;
    console.log(`40,000 entries of one address named in ${ms.toFixed(0)} ms`);
    // The old suffix search retried every suffix from (2) for each repeat: minutes here.
    expect(ms).toBeLessThan(5000);
    expect(new Set(r.profiles.map((p) => p.name)).size).toBe(n);
    expect(r.profiles[n - 1]!.name).toBe(`127.0.0.1:6379 (${n})`);
    const long = parseConnectionsFile(`${"a".repeat(64)} redis://h:1\n`.repeat(12_000));
    expect(long.profiles.at(-1)!.name).toBe(`${"a".repeat(56)} (12000)`);
  });

  it("refuses more than MAX_IMPORT_ENTRIES, whatever the format, before building any", () => {
    const over = MAX_IMPORT_ENTRIES + 1;
    const forms = [
      "redis://h:1\n".repeat(over),
      JSON.stringify(Array.from({ length: over }, () => ({ host: "h", port: 1 }))),
      JSON.stringify({ version: 2, profiles: Array.from({ length: over }, () => ({})) }),
    ];
    for (const text of forms) {
      const e = refusal(() => parseConnectionsFile(text));
      expect(e.code).toBe("bad-input");
      expect(e.message).toBe(
        "The file lists 200,001 connections; one import takes at most 200,000: split it into several files. Nothing was imported.",
      );
      expect(e.details).toMatchObject({ field: "content", count: over, max: MAX_IMPORT_ENTRIES });
    }
  });

  it("names the first problems of a file of bad lines and counts the rest", () => {
    const e = refusal(() => parseConnectionsFile("redis://h:99999\n".repeat(5000)));
    expect(e.message).toMatch(/^5000 entries of this list of connection URLs cannot be imported/);
    expect(e.message).toMatch(/; and 4980 more\. Nothing was imported\.$/);
    expect(e.message.length).toBeLessThan(3000);
    expect(e.details?.errors).toHaveLength(1000);
    expect(e.details?.errorCount).toBe(5000);
  });
});
