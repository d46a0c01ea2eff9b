import { describe, expect, it } from "vitest";
import { checkGlob, keyMatcher, literalPrefix } from "./glob.ts";
import { keyFromText } from "./keys.ts";

describe("glob", () => {
  const m = (p: string, k: string) => keyMatcher(p)(keyFromText(k));

  it("matches redis glob forms", () => {
    expect(m("user:*", "user:1")).toBe(true);
    expect(m("user:*", "users:1")).toBe(false);
    expect(m("h?llo", "hello")).toBe(true);
    expect(m("h[ae]llo", "hallo")).toBe(true);
    expect(m("h[^e]llo", "hello")).toBe(false);
    expect(m("h[a-b]llo", "hbllo")).toBe(true);
    expect(m("a\\*b", "a*b")).toBe(true);
    expect(m("a\\*b", "axb")).toBe(false);
    expect(m("*", "anything\nat all")).toBe(true);
  });

  it("matches binary keys byte for byte", () => {
    expect(keyMatcher("bin:*")(new Uint8Array([98, 105, 110, 58, 0xff, 0x00]))).toBe(true);
  });

  it("rejects malformed patterns with a message saying how to fix them", () => {
    expect(() => checkGlob("user:[abc")).toThrow(/unclosed "\["/);
    expect(() => checkGlob("user:\\")).toThrow(/lone backslash/);
  });

  it("stays fast on patterns that make regular expressions backtrack", () => {
    const key = keyFromText("a".repeat(5000));
    const started = performance.now();
    expect(keyMatcher(`${"*a".repeat(12)}*b`)(key)).toBe(false);
    // Polynomial at worst; a backtracking regex takes minutes here.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("agrees with the server's own MATCH on edge cases", () => {
    expect(m("[]]", "]")).toBe(true);
    expect(m("a[b-]", "a-")).toBe(true);
    expect(m("[z-a]", "m")).toBe(true);
    expect(m("**x", "abx")).toBe(true);
    expect(m("a?c", "a\nc".replace("\\n", "\n"))).toBe(true);
  });

  it("finds the literal prefix", () => {
    expect(literalPrefix("user:1*")).toBe("user:1");
    expect(literalPrefix("*")).toBe("");
  });
});
