import { describe, expect, it } from "vitest";
import { DEFAULT_SNAPSHOT_SETTINGS, mergeSnapshotSettings, unsnapshottedKeys } from "./settings.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("snapshot settings", () => {
  it("merges a partial change and matches only patterns without opt-in", () => {
    const s = mergeSnapshotSettings(DEFAULT_SNAPSHOT_SETTINGS, {
      sensitive: [{ pattern: "session:*" }, { pattern: "token:*", snapshot: true }],
    });
    expect(s.retentionDays).toBe(7);
    const excluded = unsnapshottedKeys(s)!;
    expect(excluded(enc("session:42"))).toBe(true);
    expect(excluded(enc("token:42"))).toBe(false);
    expect(excluded(enc("user:42"))).toBe(false);
    expect(unsnapshottedKeys(DEFAULT_SNAPSHOT_SETTINGS)).toBeUndefined();
  });

  it.each([
    [{ retentionDays: 0 }, /retentionDays must be a whole number from 1 to 365/, "retentionDays"],
    [{ maxTotalMb: 1.5 }, /maxTotalMb must be a whole number/, "maxTotalMb"],
    [{ keepForever: true }, /Unknown snapshot setting "keepForever"/, "keepForever"],
    [{ sensitive: "session:*" }, /sensitive must be a list/, "sensitive"],
    [{ sensitive: [{ pattern: "" }] }, /needs a key pattern/, "sensitive[0].pattern"],
    [{ sensitive: [{ pattern: "a\\" }] }, /lone backslash/, "sensitive[0].pattern"],
    [{ sensitive: [{ pattern: "a", snapshot: "yes" }] }, /true or false/, "sensitive[0].snapshot"],
    [{ sensitive: [{ pattern: "a" }, { pattern: "a" }] }, /listed twice/, "sensitive[1].pattern"],
  ])("refuses %j with a message and the field it names", (input, message, param) => {
    let caught: unknown;
    try {
      mergeSnapshotSettings(DEFAULT_SNAPSHOT_SETTINGS, input);
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toMatch(message);
    expect((caught as { details?: { param?: string } }).details?.param).toBe(param);
  });
});
