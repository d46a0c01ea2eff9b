import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import { javaFixture } from "../../../../test/fixtures/decoders/generate.ts";
import { decodeChain } from "./chain.ts";
import { decodeJava } from "./java.ts";
import { limitsWith } from "./limits.ts";
import type { DecodedNode } from "./node.ts";
import { toPlainJson } from "./plain-json.ts";

// OpenJDK's ObjectOutputStream writes each case of test/fixtures/decoders/JavaFixtures.java.
const fx = Object.fromEntries(
  ["hashmap", "arraylist", "person", "enum", "strings", "deep"].map((c) => [c, javaFixture(c)]),
);

const fields = (n: DecodedNode) =>
  n.kind === "object" ? toPlainJson({ kind: "map", entries: n.fields }) : undefined;

describe("Java serialization (fixtures from OpenJDK's ObjectOutputStream)", () => {
  it("shows a Serializable class with primitive, string, array, enum and object fields", () => {
    const n = decodeJava(fx.person!).node;
    expect(n).toMatchObject({ kind: "object", className: "JavaFixtures$Person" });
    const f = fields(n) as Record<string, unknown>;
    expect(f).toMatchObject({
      active: true,
      age: 37,
      id: "9007199254740993",
      score: 2.5,
      initial: "A",
      name: "Ann",
    });
    expect(f.lucky).toEqual({ $array: [3, 7] });
    expect(f.color).toEqual({ $enum: "JavaFixtures$Color::GREEN" });
    expect(f.home).toMatchObject({
      $object: "JavaFixtures$Address",
      $fields: { city: "Lyon", zip: 69001 },
    });
    // `work` is the same Address object: a reference to the handle of `home`.
    expect(f.work).toEqual({ $ref: (f.home as { $id: number }).$id });
  });

  it("shows a HashMap and an ArrayList as the map and list their writeObject wrote", () => {
    const map = decodeJava(fx.hashmap!).node;
    expect(map).toMatchObject({ kind: "object", className: "java.util.HashMap" });
    const state = toPlainJson((map as { state: DecodedNode }).state) as Record<string, unknown>;
    expect(state.one).toMatchObject({ $object: "java.lang.Integer", $fields: { value: 1 } });
    expect(state.list).toMatchObject({ $object: "java.util.ArrayList", $state: ["x", "y"] });
    const list = decodeJava(fx.arraylist!).node;
    expect(fields(list)).toEqual({ size: 3 });
    expect(toPlainJson((list as { state: DecodedNode }).state)).toEqual(["a", "b", "héllo"]);
  });

  it("shows enums and String arrays, repeated strings included", () => {
    expect(decodeJava(fx.enum!).node).toEqual({
      kind: "enum",
      className: "JavaFixtures$Color",
      name: "RED",
    });
    const arr = decodeJava(fx.strings!).node;
    expect(arr).toMatchObject({ kind: "list", variant: "array", className: "[Ljava.lang.String;" });
    expect(toPlainJson(arr)).toEqual({ $array: ["alpha", "beta", null, "alpha"] });
  });

  it("is detected by its magic and decoded by the chain", () => {
    expect(decodeChain(fx.person!).chain).toEqual(["java"]);
  });

  it("stops deep nesting at the depth limit", () => {
    expect(() => decodeJava(fx.deep!)).toThrow(
      /Java serialization: nesting depth exceeds the maxDepth limit \(64\)/,
    );
    expect(decodeJava(fx.deep!, limitsWith({ maxDepth: 400 })).consumed).toBe(fx.deep!.length);
  });

  it("reports truncated and malformed streams with the offset", () => {
    const bytes = fx.person!;
    for (let cut = 0; cut < bytes.length; cut += 5) {
      const err = catchError(() => decodeJava(bytes.subarray(0, cut)));
      expect(err.message).toMatch(/^Java serialization: .* at byte offset \d+$/);
    }
    expect(() => decodeJava(Uint8Array.of(0xac, 0xed, 0, 5, 0x10))).toThrow(
      /unknown type code 0x10 at byte offset 4/,
    );
  });
});
