import { describe, expect, it } from "vitest";
import { keyFromText } from "../common/keys.ts";
import { OPERATION_SPECS } from "../operations/classify.ts";
import { keysToInspect, refineSpec } from "./refine.ts";

const k = keyFromText("k");
const info = (type: "string" | "none" | "hash", ttlMs = -1) => [{ key: k, type, ttlMs }] as const;

describe("guard level from the key's current state", () => {
  it("SET creates (write) or overwrites (destructive)", () => {
    const op = { kind: "set", key: k, value: k } as const;
    expect(refineSpec(op, OPERATION_SPECS.set, [...info("none")]).class).toBe("write");
    expect(refineSpec(op, OPERATION_SPECS.set, [...info("string")]).class).toBe("destructive");
  });

  it("EXPIRE shortens (destructive), lengthens or removes a TTL (write)", () => {
    const exp = (ttlSeconds: number) => ({ kind: "expire", key: k, ttlSeconds }) as const;
    expect(refineSpec(exp(10), OPERATION_SPECS.expire, [...info("string", -1)]).class).toBe(
      "destructive",
    );
    expect(refineSpec(exp(10), OPERATION_SPECS.expire, [...info("string", 60_000)]).class).toBe(
      "destructive",
    );
    expect(refineSpec(exp(100), OPERATION_SPECS.expire, [...info("string", 60_000)]).class).toBe(
      "write",
    );
    expect(refineSpec(exp(-1), OPERATION_SPECS.expire, [...info("string", 60_000)]).class).toBe(
      "write",
    );
  });

  it("a first hash field or sorted-set member creates the key; RENAMENX never replaces", () => {
    const hset = { kind: "hashSet", key: k, field: k, value: k } as const;
    expect(refineSpec(hset, OPERATION_SPECS.hashSet, [...info("none")]).class).toBe("write");
    expect(refineSpec(hset, OPERATION_SPECS.hashSet, [...info("hash")]).class).toBe("destructive");
    const nx = { kind: "rename", key: k, newKey: k, overwrite: false } as const;
    expect(keysToInspect(nx)).toEqual([]);
    expect(refineSpec(nx, OPERATION_SPECS.rename, []).class).toBe("write");
    const over = { kind: "rename", key: k, newKey: k, overwrite: true } as const;
    expect(refineSpec(over, OPERATION_SPECS.rename, [...info("string")]).class).toBe("destructive");
  });
});
