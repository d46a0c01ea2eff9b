import { describe, expect, it } from "vitest";
import type { CommandDoc } from "./operation.ts";
import { classifyRaw } from "./raw-classify.ts";

const doc = (
  name: string,
  flags: string[],
  categories: string[],
  keys: [number, number, number] = [1, 1, 1],
): CommandDoc => ({
  name,
  flags,
  categories,
  firstKey: keys[0],
  lastKey: keys[1],
  step: keys[2],
  known: true,
});

describe("classifyRaw", () => {
  it("denies by default: an unknown command is admin and never retried", () => {
    expect(classifyRaw(["FOO.BAR", "x"], undefined)).toMatchObject({
      class: "admin",
      idempotent: false,
    });
  });

  it("classifies from the server's flags and categories", () => {
    expect(
      classifyRaw(["GET", "k"], doc("get", ["readonly", "fast"], ["@read", "@string"])),
    ).toMatchObject({ class: "read", keyIndexes: [1] });
    expect(
      classifyRaw(["INCR", "k"], doc("incr", ["write", "denyoom", "fast"], ["@write", "@string"])),
    ).toMatchObject({ class: "write", idempotent: false });
    expect(
      classifyRaw(["SET", "k", "v"], doc("set", ["write", "denyoom"], ["@write"])),
    ).toMatchObject({ class: "write", idempotent: true });
    expect(
      classifyRaw(
        ["CONFIG", "SET", "x", "y"],
        doc("config", ["admin", "noscript"], ["@admin", "@dangerous"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "admin" });
    expect(
      classifyRaw(
        ["FLUSHDB"],
        doc("flushdb", ["write"], ["@keyspace", "@write", "@slow", "@dangerous"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "destructive", bulk: true });
    expect(
      classifyRaw(["PING"], doc("ping", ["fast"], ["@fast", "@connection"], [0, 0, 0])),
    ).toMatchObject({ class: "read" });
  });

  it("finds key positions, including open-ended ones", () => {
    expect(
      classifyRaw(["DEL", "a", "b", "c"], doc("del", ["write"], ["@write"], [1, -1, 1])).keyIndexes,
    ).toEqual([1, 2, 3]);
    expect(
      classifyRaw(["MSET", "a", "1", "b", "2"], doc("mset", ["write"], ["@write"], [1, -1, 2]))
        .keyIndexes,
    ).toEqual([1, 3]);
  });
});
