import { describe, expect, it } from "vitest";
import { LaunchCodes } from "./launch-codes.ts";

describe("launch codes", () => {
  it("work once, and only within 60 s", () => {
    let now = 1_000_000;
    const codes = new LaunchCodes(() => now);
    const a = codes.mint();
    const b = codes.mint();
    expect(a).not.toBe(b);
    expect(codes.redeem(a)).toBe(true);
    expect(codes.redeem(a)).toBe(false);
    now += 60_000;
    expect(codes.redeem(b)).toBe(false);
    const c = codes.mint();
    now += 59_999;
    expect(codes.redeem(c)).toBe(true);
  });

  it("keep at most 64 alive: a runaway minter pushes out the oldest", () => {
    const codes = new LaunchCodes(() => 0);
    const first = codes.mint();
    const rest = Array.from({ length: 64 }, () => codes.mint());
    expect(codes.redeem(first)).toBe(false);
    expect(rest.every((c) => codes.redeem(c))).toBe(true);
  });
});
