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

describe("classifyRaw: deny by default, reads by the table or as named introspection", () => {
  const container = (name: string, subs: string[]): CommandDoc => ({
    ...doc(name, [], ["@slow"], [0, 0, 0]),
    subcommands: subs,
  });
  const scripting = doc(
    "eval",
    ["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    ["@slow", "@scripting"],
    [0, 0, 0],
  );

  it("scripts and functions are writes with no undo; their _ro forms are reads", () => {
    for (const name of ["EVAL", "EVALSHA", "FCALL"]) {
      expect(
        classifyRaw([name, "return 1", "0"], { ...scripting, name: name.toLowerCase() }),
      ).toMatchObject({ class: "write", noUndo: true, idempotent: false });
    }
    expect(
      classifyRaw(["EVAL_RO", "return 1", "0"], {
        ...scripting,
        name: "eval_ro",
        flags: ["readonly", ...scripting.flags],
      }),
    ).toMatchObject({ class: "read" });
    const fn = container("function", ["load", "list"]);
    expect(
      classifyRaw(
        ["FUNCTION", "LOAD", "code"],
        fn,
        doc("function|load", ["write", "noscript"], ["@write"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "write" });
    expect(
      classifyRaw(
        ["FUNCTION", "LIST"],
        fn,
        doc("function|list", ["noscript"], ["@slow", "@scripting"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "read", command: "function list" });
  });

  it("PUBLISH and SPUBLISH are writes (flagged neither write nor read by the table)", () => {
    expect(
      classifyRaw(
        ["PUBLISH", "ch", "msg"],
        doc("publish", ["pubsub", "loading", "stale", "fast"], ["@pubsub", "@fast"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "write", noUndo: true });
  });

  it("subcommands are classified on their own entry", () => {
    const config = container("config", ["get", "set", "help"]);
    const admin = ["admin", "noscript", "loading", "stale"];
    expect(
      classifyRaw(
        ["CONFIG", "GET", "maxmemory"],
        config,
        doc("config|get", admin, ["@admin", "@slow", "@dangerous"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "read", command: "config get" });
    expect(
      classifyRaw(
        ["CONFIG", "SET", "maxmemory", "1"],
        config,
        doc("config|set", admin, ["@admin", "@slow", "@dangerous"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "admin" });
    expect(
      classifyRaw(
        ["CONFIG", "HELP"],
        config,
        doc("config|help", ["loading", "stale"], ["@slow"], [0, 0, 0]),
      ),
    ).toMatchObject({ class: "read" });
    // A subcommand the server does not list is not understood: admin.
    expect(classifyRaw(["CONFIG", "NOPE"], config, undefined)).toMatchObject({ class: "admin" });
    const acl = container("acl", ["log"]);
    const log = doc(
      "acl|log",
      ["admin", "noscript", "loading", "stale"],
      ["@admin", "@slow", "@dangerous"],
      [0, 0, 0],
    );
    expect(classifyRaw(["ACL", "LOG", "10"], acl, log)).toMatchObject({ class: "read" });
    expect(classifyRaw(["ACL", "LOG", "RESET"], acl, log)).toMatchObject({ class: "admin" });
  });

  it("INFO is a read though flagged dangerous; key specs that write make a write (PFCOUNT)", () => {
    expect(
      classifyRaw(["INFO"], doc("info", ["loading", "stale"], ["@slow", "@dangerous"], [0, 0, 0])),
    ).toMatchObject({
      class: "read",
    });
    expect(
      classifyRaw(["PFCOUNT", "h"], {
        ...doc("pfcount", ["readonly"], ["@read", "@hyperloglog"]),
        keySpecFlags: [["RW", "ACCESS"]],
      }),
    ).toMatchObject({ class: "write" });
    // Not read-only and not named: never a read (SELECT changes the shared connection).
    expect(
      classifyRaw(
        ["SELECT", "1"],
        doc("select", ["loading", "stale", "fast"], ["@fast", "@connection"], [0, 0, 0]),
      ),
    ).toMatchObject({
      class: "admin",
    });
  });
});
