import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import {
  msgpackFixtures,
  phpFixtures,
  pythonFixtures,
} from "../../../../test/fixtures/decoders/generate.ts";
import { decodeChain, detect, encodeChain } from "./chain.ts";
import { limitExceeded, limitsWith, malformed } from "./limits.ts";
import { toPlainJson } from "./plain-json.ts";
import { DecoderRegistry, type Layer } from "./registry.ts";

const php = phpFixtures(`$out["php"] = serialize(["a" => 1, "b" => [true, null]]);`);
const mp = msgpackFixtures(`values["mp"] = {"a": 1, "b": [True, None]}`);
const py = pythonFixtures(`
import pickle, json, base64, binascii
out["pickle"] = pickle.dumps({"a": 1, "b": [True, None]}, protocol=4)
out["json"] = json.dumps({"a": 1, "b": [True, None]}, separators=(",", ":")).encode()
out["b64json"] = base64.b64encode(out["json"])
out["hexmsgpack"] = binascii.hexlify(${"bytes.fromhex('82a16101a16292c3c0')"})
out["b64pickle"] = base64.b64encode(out["pickle"])
out["text"] = b"just some text"
out["b64word"] = b"abcdabcd"
`);
const same = { a: 1, b: [true, null] };

describe("detection and chains", () => {
  it("detects each format by its shape, in a stable order", () => {
    expect(detect(php.php!)).toEqual(["php"]);
    // A pickle's 0x80 header is also a msgpack fixmap byte: both are candidates, pickle first.
    expect(detect(py.pickle!)).toEqual(["pickle", "msgpack"]);
    expect(detect(py.json!)).toEqual(["json"]);
    expect(detect(mp.mp!)).toEqual(["msgpack"]);
    expect(detect(py.b64json!)).toEqual(["base64"]);
  });

  it("decodes with the detected chain, layers included", () => {
    const cases: [Uint8Array, string[]][] = [
      [py.pickle!, ["pickle"]],
      [py.json!, ["json"]],
      [mp.mp!, ["msgpack"]],
      [py.b64json!, ["base64", "json"]],
      [py.b64pickle!, ["base64", "pickle"]],
      [py.hexmsgpack!, ["hex", "msgpack"]],
    ];
    for (const [bytes, chain] of cases) {
      const result = decodeChain(bytes);
      expect(result.chain).toEqual(chain);
      expect(toPlainJson(result.node)).toEqual(same);
    }
    // PHP arrays are maps with their keys: the same data, PHP-shaped.
    expect(decodeChain(php.php!).chain).toEqual(["php"]);
    expect(toPlainJson(decodeChain(php.php!).node)).toEqual({
      a: 1,
      b: {
        $map: [
          [0, true],
          [1, null],
        ],
      },
    });
  });

  it("leaves plain text as text, even when it happens to be valid base64", () => {
    expect(decodeChain(py.text!)).toEqual({
      chain: [],
      node: { kind: "string", value: "just some text" },
    });
    expect(decodeChain(py.b64word!).chain).toEqual([]);
  });

  it("applies an explicit chain, and encodes it back byte for byte", () => {
    const { node } = decodeChain(py.b64json!, ["base64", "json"]);
    expect(
      Buffer.from(encodeChain(node, ["base64", "json"])).equals(Buffer.from(py.b64json!)),
    ).toBe(true);
    expect(() => encodeChain(decodeChain(py.pickle!).node, ["pickle"])).toThrow(
      /pickle is view-only/,
    );
    expect(() => decodeChain(py.json!, ["json", "base64"])).toThrow(
      /json turns bytes into a value/,
    );
    expect(() => decodeChain(py.json!, ["nope"])).toThrow(
      /unknown decoder "nope"; choose one of: .*json/,
    );
    expect(catchError(() => decodeChain(py.json!, ["msgpack"])).message).toMatch(/^MessagePack: /);
  });

  it("takes extra layers from outside, as the node side's compressions plug in", () => {
    // A stand-in layer with a magic prefix: the real ones (gzip, zstd, ...) live in a node package.
    const wrap: Layer = {
      name: "wrapped",
      reversible: true,
      detect: (b) => b[0] === 0x01,
      decode: (b) => {
        if (b[0] !== 0x01) throw malformed("wrapped", 0, "no magic");
        return b.subarray(1);
      },
      encode: (b) => Uint8Array.of(0x01, ...b),
    };
    const registry = new DecoderRegistry([wrap]);
    const bytes = Uint8Array.of(0x01, ...mp.mp!);
    const result = decodeChain(bytes, undefined, { registry });
    expect(result.chain).toEqual(["wrapped", "msgpack"]);
    expect(
      Buffer.from(encodeChain(result.node, result.chain, registry)).equals(Buffer.from(bytes)),
    ).toBe(true);
  });

  it("lets limit errors through detection instead of falling back to raw bytes", () => {
    const bomb: Layer = {
      name: "bomb",
      reversible: false,
      detect: (b) => b[0] === 0x02,
      decode: (_b, limits) => {
        throw limitExceeded("bomb", "maxOutputBytes", limits.maxOutputBytes, "decompressed size");
      },
    };
    const registry = new DecoderRegistry([bomb]);
    expect(() =>
      decodeChain(Uint8Array.of(0x02, 0), undefined, {
        registry,
        limits: limitsWith({ maxOutputBytes: 10 }),
      }),
    ).toThrow(/maxOutputBytes limit \(10\)/);
  });

  it("projects every node kind to plain JSON", () => {
    const plain = toPlainJson(decodeChain(py.pickle!).node);
    expect(plain).toEqual(same);
    expect(
      toPlainJson({
        kind: "map",
        entries: [
          {
            key: { kind: "int", value: "1" },
            value: { kind: "bytes", value: Uint8Array.of(1, 2) },
          },
        ],
      }),
    ).toEqual({
      $map: [[1, { $bytes: "AQI=" }]],
    });
    expect(toPlainJson({ kind: "enum", className: "Suit", name: "Hearts" })).toEqual({
      $enum: "Suit::Hearts",
    });
    expect(toPlainJson({ kind: "reference", target: 3 })).toEqual({ $ref: 3 });
    expect(toPlainJson({ kind: "int", value: "18446744073709551615" })).toBe(
      "18446744073709551615",
    );
  });
});
