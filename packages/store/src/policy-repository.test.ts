import { describe, expect, it } from "vitest";
import { openStore } from "./open-store.ts";
import { useTempDirs } from "./test-support.ts";

describe("PolicyRepository", () => {
  const tempDir = useTempDirs();

  it("forces, lists, replaces and clears read-only policies, and keeps them across a reopen", () => {
    const dir = tempDir();
    const store = openStore(dir);
    const user = { profileId: "p1", reason: "prod freeze", source: "user" as const, createdAt: 10 };
    const managed = {
      profileId: "p2",
      reason: "IT policy",
      source: "managed" as const,
      createdAt: 5,
    };
    expect(store.policies.forcedReadOnly("p1")).toBeUndefined();
    store.policies.force(user);
    store.policies.force(managed);
    expect(store.policies.forcedReadOnly("p1")).toEqual(user);
    expect(store.policies.listForced()).toEqual([managed, user]);

    const replaced = { ...user, reason: "incident 42", createdAt: 20 };
    store.policies.force(replaced);
    expect(store.policies.forcedReadOnly("p1")).toEqual(replaced);
    store.close();

    const reopened = openStore(dir);
    expect(reopened.policies.listForced()).toEqual([managed, replaced]);
    expect(reopened.policies.clear("p1")).toBe(true);
    expect(reopened.policies.clear("p1")).toBe(false);
    expect(reopened.policies.listForced()).toEqual([managed]);
    reopened.close();
  });
});
