import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import { protocEncode } from "../../../../test/fixtures/decoders/generate.ts";
import { limitsWith } from "./limits.ts";
import { toPlainJson } from "./plain-json.ts";
import { decodeProtobuf } from "./protobuf.ts";

// protoc --encode writes each message from its text form (test/fixtures/decoders/fixture.proto).
const msg = protocEncode(
  "Msg",
  `id: 150 name: "héllo" items { name: "a" id: 1 } items { name: "b" id: 2 }
   blob: "\\000\\377" score: 1.5 f32: 7 neg: -3 packed: [1, 2, 300] flag: true big: 18446744073709551615`,
);
const deep = protocEncode("Node", `${"child { ".repeat(100)}v: 1${" }".repeat(100)}`);

describe("protobuf wire format without a schema (fixtures from protoc)", () => {
  it("shows fields by number, nested messages as maps, repeated fields as repeated keys", () => {
    const plain = toPlainJson(decodeProtobuf(msg).node) as { $map: [number, unknown][] };
    expect(plain.$map).toEqual([
      [1, 150],
      [2, "héllo"],
      [
        3,
        {
          $map: [
            [1, "a"],
            [2, 1],
          ],
        },
      ],
      [
        3,
        {
          $map: [
            [1, "b"],
            [2, 2],
          ],
        },
      ],
      [4, { $bytes: "AP8=" }],
      [5, String(new DataView(new Float64Array([1.5]).buffer).getBigUint64(0, true))],
      [6, 7],
      [7, 5],
      [8, { $bytes: "AQKsAg==" }],
      [9, 1],
      [10, "18446744073709551615"],
    ]);
  });

  it("stops deep nesting at the depth limit and reads it when the limit is raised", () => {
    expect(() => decodeProtobuf(deep)).toThrow(
      /protobuf: nesting depth exceeds the maxDepth limit \(64\)/,
    );
    expect(decodeProtobuf(deep, limitsWith({ maxDepth: 200 })).consumed).toBe(deep.length);
  });

  it("reports truncated and malformed input with the offset", () => {
    for (let cut = 1; cut < msg.length; cut++) {
      let result: unknown;
      try {
        result = decodeProtobuf(msg.subarray(0, cut));
      } catch {
        expect(catchError(() => decodeProtobuf(msg.subarray(0, cut))).message).toMatch(
          /^protobuf: .* at byte offset \d+$/,
        );
        continue;
      }
      // A cut that falls between two fields is itself a valid, shorter message.
      expect(result).toBeDefined();
    }
    expect(() => decodeProtobuf(Uint8Array.of(0x0f))).toThrow(
      /wire type 7 does not exist at byte offset 0/,
    );
    expect(() => decodeProtobuf(Uint8Array.of(0x12, 0x05, 0x41))).toThrow(
      /a length of 5 runs past the end at byte offset 2/,
    );
  });
});
