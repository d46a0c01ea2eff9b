import { describe, expect, it } from "vitest";
import { globMatcher } from "./glob.ts";

describe("glob matcher", () => {
  it("matches like Redis SCAN MATCH", () => {
    expect(globMatcher("*")("anything")).toBe(true);
    expect(globMatcher("user:*")("user:1")).toBe(true);
    expect(globMatcher("user:*")("users:1")).toBe(false);
    expect(globMatcher("h?llo")("hello")).toBe(true);
    expect(globMatcher("h[ae]llo")("hallo")).toBe(true);
    expect(globMatcher("h[^e]llo")("hello")).toBe(false);
    expect(globMatcher("a\\*b")("a*b")).toBe(true);
    expect(globMatcher("a\\*b")("axb")).toBe(false);
    expect(globMatcher("a.b")("axb")).toBe(false);
  });
});
