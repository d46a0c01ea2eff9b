import { describe, expect, it } from "vitest";
import { globToRegExp, keyMatcher, literalPrefix } from "./glob.ts";
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
    expect(() => globToRegExp("user:[abc")).toThrow(/unclosed "\["/);
    expect(() => globToRegExp("user:\\")).toThrow(/lone backslash/);
  });

  it("finds the literal prefix", () => {
    expect(literalPrefix("user:1*")).toBe("user:1");
    expect(literalPrefix("*")).toBe("");
  });
});
