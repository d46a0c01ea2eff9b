import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import { pythonFixtures } from "../../../../test/fixtures/decoders/generate.ts";
import { decodeJson } from "./json.ts";
import { encodeJson } from "./json-encode.ts";
import { limitsWith } from "./limits.ts";
import { toPlainJson } from "./plain-json.ts";

// Python's json module in compact form, and Node's JSON.stringify, are the real encoders here.
const fx = pythonFixtures(`
import json
def dump(v): return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()
out["doc"] = dump({"name": "zoë", "n": [1, -2, 3.25, 1e100, 12345678901234567890], "ok": True, "none": None, "esc": "a\\"b\\\\c\\n\\u0001"})
out["pretty"] = json.dumps({"a": [1, 2], "b": {}}, indent=2).encode()
out["deep"] = ("[" * 100 + "]" * 100).encode()
`);
const stringified = new TextEncoder().encode(
  JSON.stringify({ a: [1, 2.5, "x"], b: { c: null, d: false }, e: "\u2028 \ud83d\ude00" }),
);

describe("JSON", () => {
  it("decodes what Python's json module wrote, keeping big integers exact", () => {
    expect(toPlainJson(decodeJson(fx.doc!).node)).toEqual({
      name: "zoë",
      n: [1, -2, 3.25, 1e100, "12345678901234567890"],
      ok: true,
      none: null,
      esc: 'a"b\\c\n\u0001',
    });
    expect(toPlainJson(decodeJson(fx.pretty!).node)).toEqual({ a: [1, 2], b: {} });
  });

  it("re-encodes compact JSON from Python and from JSON.stringify byte for byte", () => {
    for (const bytes of [fx.doc!, stringified])
      expect(new TextDecoder().decode(encodeJson(decodeJson(bytes).node))).toBe(
        new TextDecoder().decode(bytes),
      );
  });

  it("keeps duplicate keys instead of dropping them", () => {
    const n = decodeJson(new TextEncoder().encode('{"a":1,"a":2}')).node;
    expect(n.kind === "map" && n.entries.length).toBe(2);
  });

  it("stops deep nesting at the depth limit", () => {
    expect(() => decodeJson(fx.deep!)).toThrow(
      /JSON: nesting depth exceeds the maxDepth limit \(64\)/,
    );
    expect(decodeJson(fx.deep!, limitsWith({ maxDepth: 100 })).consumed).toBe(200);
  });

  it("rejects malformed and truncated JSON with the offset", () => {
    const cases: [string, RegExp][] = [
      ['{"a":1,}', /expected a string key in an object at byte offset 7/],
      ["[1 2]", /expected "," or "]" in an array at byte offset 3/],
      ['{"a":tru}', /expected true\) at byte offset 5/],
      ["01", /invalid number "01" at byte offset 0/],
      ["[1] x", /unexpected data after the JSON value at byte offset 4/],
      ['"abc', /unterminated string at byte offset 0/],
      ["[1,2", /at byte offset 4/],
    ];
    for (const [text, re] of cases) {
      const err = catchError(() => decodeJson(new TextEncoder().encode(text)));
      expect(err.message, text).toMatch(/^JSON: /);
      expect(err.message, text).toMatch(re);
    }
  });
});
