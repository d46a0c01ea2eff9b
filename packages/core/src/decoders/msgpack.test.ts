import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import { msgpackFixtures } from "../../../../test/fixtures/decoders/generate.ts";
import { limitsWith } from "./limits.ts";
import { decodeMsgpack } from "./msgpack.ts";
import { encodeMsgpack } from "./msgpack-encode.ts";
import { toPlainJson } from "./plain-json.ts";

// msgpack-python's packb (Debian python3-msgpack) writes every fixture.
const fx = msgpackFixtures(`
values["doc"] = {"id": 7, "name": "ann", "tags": ["a", "b"], "score": 9.5, "active": True, "none": None}
values["ints"] = [0, 127, 128, 255, 256, 65535, 65536, 2**32, 2**64 - 1, -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**63]
values["bytes"] = {b"raw": b"\\x00\\x01\\xff" * 100, 1: "int key", (1, 2): "tuple key"}
values["sizes"] = ["x" * 31, "y" * 32, "z" * 255, "w" * 256, "v" * 70000, list(range(16)), {str(i): i for i in range(16)}]
values["ext"] = msgpack.ExtType(5, b"hello")
nested = []
for _ in range(100): nested = [nested]
values["deep"] = nested
`);

describe("MessagePack (fixtures from msgpack-python)", () => {
  it("decodes maps, lists, strings, floats, booleans and nil", () => {
    expect(toPlainJson(decodeMsgpack(fx.doc!).node)).toEqual({
      id: 7,
      name: "ann",
      tags: ["a", "b"],
      score: 9.5,
      active: true,
      none: null,
    });
  });

  it("decodes every integer width exactly, 64-bit included", () => {
    expect(toPlainJson(decodeMsgpack(fx.ints!).node)).toEqual([
      0,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32,
      "18446744073709551615",
      -1,
      -32,
      -33,
      -128,
      -129,
      -32768,
      -32769,
      -(2 ** 31),
      "-9223372036854775808",
    ]);
  });

  it("keeps binary values as bytes and non-string keys as nodes", () => {
    const n = decodeMsgpack(fx.bytes!).node;
    expect(n.kind).toBe("map");
    const keys = n.kind === "map" ? n.entries.map((e) => e.key.kind) : [];
    expect(keys).toEqual(["bytes", "int", "list"]);
    expect(decodeMsgpack(fx.ext!).node).toMatchObject({ kind: "ext", type: 5 });
  });

  it("re-encodes every fixture byte for byte", () => {
    for (const [name, bytes] of Object.entries(fx)) {
      if (name === "deep") continue;
      const again = encodeMsgpack(decodeMsgpack(bytes).node);
      expect(Buffer.from(again).equals(Buffer.from(bytes)), name).toBe(true);
    }
  });

  it("stops deep nesting at the depth limit", () => {
    expect(() => decodeMsgpack(fx.deep!)).toThrow(
      /MessagePack: nesting depth exceeds the maxDepth limit \(64\); .*--decode-max-depth/,
    );
    expect(decodeMsgpack(fx.deep!, limitsWith({ maxDepth: 101 })).consumed).toBe(fx.deep!.length);
  });

  it("stops at the node and output limits", () => {
    expect(() => decodeMsgpack(fx.ints!, limitsWith({ maxNodes: 5 }))).toThrow(
      /maxNodes limit \(5\).*--decode-max-nodes/,
    );
    expect(() => decodeMsgpack(fx.sizes!, limitsWith({ maxOutputBytes: 1000 }))).toThrow(
      /maxOutputBytes limit \(1000\)/,
    );
    expect(() => decodeMsgpack(fx.sizes!, limitsWith({ maxInputBytes: 1000 }))).toThrow(
      /maxInputBytes limit \(1000\)/,
    );
  });

  it("reports truncated input and lying lengths with the offset", () => {
    const bytes = fx.doc!;
    for (let cut = 0; cut < bytes.length; cut++) {
      const err = catchError(() => decodeMsgpack(bytes.subarray(0, cut)));
      expect(err.message).toMatch(/^MessagePack: .* at byte offset \d+$/);
    }
    // A map32 header claiming 2^32-1 entries with nothing behind it fails before allocating.
    const lie = encodeMsgpack({ kind: "map", entries: [] }).slice();
    expect(lie).toEqual(Uint8Array.of(0x80));
    expect(() => decodeMsgpack(Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff))).toThrow(
      /runs past the end at byte offset 5/,
    );
    expect(() => decodeMsgpack(Uint8Array.of(0xc1))).toThrow(
      /type byte 0xc1 is never used at byte offset 0/,
    );
  });
});
