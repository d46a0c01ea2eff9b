import { describe, expect, it } from "vitest";
import { type Branch, hexPreview, keyLabel, shown } from "./plain-node.ts";

const branch = (v: Parameters<typeof shown>[0]) => shown(v) as Branch;

describe("reading the core's plain JSON for the decoded tree", () => {
  it("keeps scalars, lists and plain objects as they are", () => {
    expect(shown(null)).toEqual({ kind: "null" });
    expect(shown("x")).toEqual({ kind: "string", value: "x" });
    expect(branch([1, 2])).toMatchObject({ tag: "list", size: "2 items" });
    expect(branch({ a: 1 }).children).toEqual([{ label: "a", labelKind: "key", value: 1 }]);
  });

  it("reads the tags: bytes, enums, references, maps with any keys, tuples and sets", () => {
    expect(shown({ $bytes: "AP8=" })).toEqual({ kind: "bytes", base64: "AP8=" });
    expect(shown({ $ext: 5, $bytes: "AQ==" })).toEqual({ kind: "bytes", base64: "AQ==", ext: 5 });
    expect(shown({ $enum: "Suit::Hearts" })).toEqual({ kind: "enum", name: "Suit::Hearts" });
    expect(shown({ $ref: 2 })).toEqual({ kind: "ref", target: 2 });
    const map = branch({
      $map: [
        [7, "seven"],
        ["-3", "neg"],
        [[1], "list key"],
      ],
    });
    expect(map).toMatchObject({ tag: "map", size: "3 entries" });
    expect(map.children.map((c) => c.label)).toEqual(["7", "-3", "key 2", "value 2"]);
    expect(branch({ $tuple: [1, "two"] })).toMatchObject({ tag: "tuple", size: "2 items" });
    expect(branch({ $frozenset: [] })).toMatchObject({ tag: "frozenset", size: "0 items" });
  });

  it("shows objects with their class, how they would be built, their args and fields", () => {
    const o = branch({
      $object: "posix.system",
      $construct: "reduce",
      $args: { $tuple: ["touch /tmp/x"] },
      $fields: {},
      $id: 3,
    });
    expect(o).toMatchObject({
      tag: "object",
      className: "posix.system",
      construct: "reduce",
      id: 3,
    });
    expect(o.children.map((c) => c.label)).toEqual(["args"]);
    const php = branch({ $object: "Point", $fields: { x: 1, "\0*\0y": 2.5 } });
    expect(php.children.map((c) => c.label)).toEqual(["x", "\\0*\\0y"]);
    expect(php.size).toBe("2 fields");
  });

  it("leaves a JSON document with a $ key among others an ordinary object", () => {
    expect(branch({ $bytes: "AA==", other: 1 })).toMatchObject({ tag: "map", size: "2 keys" });
    expect(keyLabel(1)).toBe("1");
  });

  it("previews bytes as hex with an ellipsis past the limit", () => {
    expect(hexPreview(Uint8Array.of(0, 255, 16))).toBe("00 ff 10");
    expect(hexPreview(Uint8Array.of(1, 2, 3), 2)).toBe("01 02 …");
  });
});
