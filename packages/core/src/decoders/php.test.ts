import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import { phpFixtures } from "../../../../test/fixtures/decoders/generate.ts";
import { CachifyError } from "../common/errors.ts";
import { limitsWith } from "./limits.ts";
import type { DecodedNode } from "./node.ts";
import { decodePhp } from "./php.ts";
import { encodePhp } from "./php-encode.ts";
import { toPlainJson } from "./plain-json.ts";

// One php-cli run makes every fixture of this file.
const fx = phpFixtures(`
  enum Suit: string { case Hearts = "H"; case Spades = "S"; }
  class Point { public $x = 1; protected $y = 2.5; private $label = "origin"; public $tags = ["a", "b"]; }
  class Box implements Serializable {
    public function serialize() { return "payload-12"; }
    public function unserialize($d) {}
    public function __serialize(): array { return ["v" => 1]; }
    public function __unserialize(array $d): void {}
  }
  $shared = new Point();
  $arr = [1, 2];
  $refs = ["a" => &$arr, "b" => &$arr, "p" => $shared, "q" => $shared];
  $out["scalars"] = serialize([null, true, false, 0, -7, PHP_INT_MAX, 0.1, -2.5e-10, 1.0e25, INF, -INF, NAN, "", "héllo", "\\x00\\xff"]);
  $out["nested"] = serialize(["users" => [["id" => 1, "name" => "ann"], ["id" => 2, "name" => "bo"]], 7 => "seven", "-3" => "neg"]);
  $out["object"] = serialize(new Point());
  $out["enum"] = serialize([Suit::Hearts, Suit::Spades, Suit::Hearts]);
  $out["refs"] = serialize($refs);
  $out["stdclass"] = serialize((object)["k" => "v"]);
  $out["deep"] = serialize(json_decode(str_repeat("[", 200) . str_repeat("]", 200)));
`);

const decode = (name: string) => decodePhp(fx[name]!).node;

describe("PHP serialize (fixtures from php-cli)", () => {
  it("decodes scalars, byte strings and special floats", () => {
    const n = decode("scalars");
    expect(n.kind).toBe("map");
    const values = (n as { entries: { value: DecodedNode }[] }).entries.map((e) => e.value);
    expect(values.slice(0, 6).map(toPlainJson)).toEqual([
      null,
      true,
      false,
      0,
      -7,
      9223372036854775807n.toString(),
    ]);
    expect(values[6]).toMatchObject({ kind: "float", value: 0.1 });
    expect(values.slice(9, 12).map((v) => (v as { value: number }).value)).toEqual([
      Infinity,
      -Infinity,
      NaN,
    ]);
    expect(values[13]).toEqual({ kind: "string", value: "héllo" });
    expect(values[14]).toMatchObject({ kind: "string", raw: Uint8Array.of(0, 0xff) });
  });

  it("decodes nested arrays with integer and string keys", () => {
    expect(toPlainJson(decode("nested"))).toEqual({
      $map: [
        [
          "users",
          {
            $map: [
              [0, { id: 1, name: "ann" }],
              [1, { id: 2, name: "bo" }],
            ],
          },
        ],
        [7, "seven"],
        [-3, "neg"],
      ],
    });
  });

  it("shows objects with their class and public, protected and private properties", () => {
    const n = decode("object");
    expect(n).toMatchObject({ kind: "object", className: "Point" });
    const keys = (n as { fields: { key: { value: string } }[] }).fields.map((f) => f.key.value);
    expect(keys).toEqual(["x", "\0*\0y", "\0Point\0label", "tags"]);
    expect(decode("stdclass")).toMatchObject({ kind: "object", className: "stdClass" });
  });

  it("shows enums as enum nodes", () => {
    const items = (decode("enum") as { entries: { value: DecodedNode }[] }).entries.map(
      (e) => e.value,
    );
    expect(items[0]).toMatchObject({ kind: "enum", className: "Suit", name: "Hearts" });
    expect(items[2]).toMatchObject({ kind: "reference", flavor: "object" });
  });

  it("shows references (r: and R:) pointing at the node they name", () => {
    const n = decode("refs") as { entries: { value: DecodedNode }[] };
    const [a, b, p, q] = n.entries.map((e) => e.value);
    expect(b).toMatchObject({ kind: "reference", flavor: "value" });
    expect(a?.ref).toBe((b as { target: number }).target);
    expect(q).toMatchObject({ kind: "reference", flavor: "object" });
    expect(p?.ref).toBe((q as { target: number }).target);
  });

  it("re-encodes every fixture byte for byte", () => {
    for (const [name, bytes] of Object.entries(fx)) {
      if (name === "deep") continue;
      expect(Buffer.from(encodePhp(decodePhp(bytes).node)).toString("latin1"), name).toBe(
        Buffer.from(bytes).toString("latin1"),
      );
    }
  });

  it("stops a deeply nested payload at the depth limit, naming the limit", () => {
    expect(() => decodePhp(fx.deep!)).toThrow(/maxDepth limit \(64\).*--decode-max-depth/);
    expect(decodePhp(fx.deep!, limitsWith({ maxDepth: 300 })).consumed).toBe(fx.deep!.length);
  });

  it("reports truncated and malformed input with the format and byte offset", () => {
    const bytes = fx.nested!;
    for (const cut of [1, 5, 20, bytes.length - 1]) {
      const err = catchError(() => decodePhp(bytes.subarray(0, cut)));
      expect(err).toBeInstanceOf(CachifyError);
      expect(err.message).toMatch(/^PHP serialize: .* at byte offset \d+$/);
      expect(err.code).toBe("bad-input");
    }
    expect(() => decodePhp(new TextEncoder().encode('s:99:"short";'))).toThrow(
      /PHP serialize: a length of 99 runs past the end at byte offset 2/,
    );
    expect(() => decodePhp(new TextEncoder().encode("x:1;"))).toThrow(
      /unknown type "x" at byte offset 0/,
    );
  });
});
