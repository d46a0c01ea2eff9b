import { describe, expect, it } from "vitest";
import {
  detectFormat,
  entriesToJsonLines,
  MAX_INLINE_ENTRIES,
  parseEntries,
} from "./parse-entries.ts";

describe("warm-up entries read in the browser", () => {
  it("reads JSON lines, skipping blank lines, with values that are not text as JSON", () => {
    const r = parseEntries(
      '{"key":"a","value":"1","ttlSeconds":60}\n\n{"key":"b","value":{"n":2}}\r\n',
      "jsonl",
    );
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { key: "a", value: "1", ttlSeconds: 60 },
      { key: "b", value: '{"n":2}' },
    ]);
  });

  it("reads CSV with quoted commas, quotes and newlines", () => {
    const r = parseEntries('key,value,ttlSeconds\na,"x, ""y""\nz",30\nb,plain,\n', "csv");
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { key: "a", value: 'x, "y"\nz', ttlSeconds: 30 },
      { key: "b", value: "plain" },
    ]);
  });

  it("says which line is wrong and what to write instead", () => {
    const r = parseEntries('{"key":"a"}\nnot json\n{"value":"v"}', "jsonl");
    expect(r.entries).toEqual([]);
    expect(r.errors).toEqual([
      "Line 1 needs a value (value or valueBase64).",
      'Line 2 is not valid JSON: write one object per line, {"key":"k","value":"v"}.',
      "Line 3 needs a key (key or keyBase64, one of them).",
    ]);
    expect(parseEntries("name,data\nx,y", "csv").errors[0]).toMatch(/header naming the columns/);
    expect(parseEntries("key,value\na,b,c", "csv").errors[0]).toMatch(/line 2 has 3 fields/);
    expect(parseEntries("key,value,ttl\na,b,0", "csv").errors[0]).toMatch(/ttlSeconds must be/);
  });

  it("keeps at most the inline limit and says so", () => {
    const text = Array.from({ length: MAX_INLINE_ENTRIES + 2 }, (_, i) =>
      JSON.stringify({ key: `k${i}`, value: "v" }),
    ).join("\n");
    const r = parseEntries(text, "jsonl");
    expect(r.entries).toHaveLength(MAX_INLINE_ENTRIES);
    expect(r.tooMany).toBe(true);
  });

  it("detects the format from the file name or the first character, and round-trips", () => {
    expect(detectFormat("key,value", "x.csv")).toBe("csv");
    expect(detectFormat('  {"key":1}')).toBe("jsonl");
    expect(detectFormat("key,value")).toBe("csv");
    const entries = [{ key: "a", value: "1", ttlSeconds: 5 }];
    expect(parseEntries(entriesToJsonLines(entries), "jsonl").entries).toEqual(entries);
  });
});
