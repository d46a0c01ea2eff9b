import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catchError } from "../../../../test/fixtures/decoders/catch-error.ts";
import {
  fileExists,
  pythonFixtures,
  scratchDir,
} from "../../../../test/fixtures/decoders/generate.ts";
import { decodeChain } from "./chain.ts";
import { limitsWith } from "./limits.ts";
import type { DecodedNode } from "./node.ts";
import { decodePickle } from "./pickle.ts";
import { toPlainJson } from "./plain-json.ts";

const scratch = scratchDir();
const marker = join(scratch, "pwned");

// CPython's pickle writes every fixture, in each protocol from 0 to 5. The os.system payload is
// only pickled here (dumps), never loaded: the marker file proves our reader did not run it.
const fx = pythonFixtures(`
import pickle, datetime, os
class Point:
    def __init__(self): self.x, self.y, self.label = 1, -2.5, "p"
class Evil:
    def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))
value = {"s": "héllo", "i": [0, 255, 65535, -1, 2**31, 2**70, -(2**70)], "f": 1.5, "t": (1, "two", None),
         "set": {3}, "fs": frozenset([4]), "b": b"\\x00\\xff", "ok": True, "no": False,
         "when": datetime.datetime(2024, 5, 6, 7, 8, 9), "p": Point()}
shared = [1]
value["shared"] = [shared, shared]
cycle = []
cycle.append(cycle)
deep = []
for _ in range(100): deep = [deep]
for proto in range(6):
    out[f"value{proto}"] = pickle.dumps(value, protocol=proto)
    out[f"evil{proto}"] = pickle.dumps(Evil(), protocol=proto)
    out[f"cycle{proto}"] = pickle.dumps(cycle, protocol=proto)
    out[f"deep{proto}"] = pickle.dumps(deep, protocol=proto)
`);

const field = (n: DecodedNode, key: string): DecodedNode | undefined =>
  n.kind === "map"
    ? n.entries.find((e) => e.key.kind === "string" && e.key.value === key)?.value
    : undefined;

describe("pickle (fixtures from CPython, protocols 0-5)", () => {
  for (let proto = 0; proto <= 5; proto++) {
    it(`decodes dicts, lists, tuples, sets, bytes, big ints, datetime and a class, protocol ${proto}`, () => {
      const { node, consumed } = decodePickle(fx[`value${proto}`]!);
      expect(consumed).toBe(fx[`value${proto}`]!.length);
      const plain = toPlainJson(node) as Record<string, unknown>;
      expect(plain.s).toBe("héllo");
      expect(plain.i).toEqual([
        0,
        255,
        65535,
        -1,
        2 ** 31,
        "1180591620717411303424",
        "-1180591620717411303424",
      ]);
      expect(plain.f).toBe(1.5);
      expect(plain.t).toEqual({ $tuple: [1, "two", null] });
      expect(plain.ok).toBe(true);
      expect(plain.no).toBe(false);
      expect(field(node, "b")).toEqual({ kind: "bytes", value: Uint8Array.of(0, 0xff) });
      expect(field(node, "set")).toMatchObject(
        proto >= 4 ? { kind: "list", variant: "set" } : { kind: "list", variant: "set" },
      );
      expect(field(node, "when")).toMatchObject({
        kind: "object",
        className: "datetime.datetime",
        construct: "reduce",
      });
      const p = field(node, "p");
      expect(p).toMatchObject({ kind: "object", className: "__main__.Point" });
      expect(toPlainJson({ kind: "map", entries: p?.kind === "object" ? p.fields : [] })).toEqual({
        x: 1,
        y: -2.5,
        label: "p",
      });
      // The second occurrence of a shared list is a reference to the first.
      const shared = field(node, "shared");
      const items = shared?.kind === "list" ? shared.items : [];
      expect(items[1]).toEqual({ kind: "reference", target: items[0]?.ref });
    });

    it(`shows a __reduce__ of os.system as data and runs nothing, protocol ${proto}`, () => {
      const { node } = decodePickle(fx[`evil${proto}`]!);
      expect(node).toMatchObject({
        kind: "object",
        className: expect.stringMatching(/^(posix|os|nt)\.system$/),
        construct: "reduce",
      });
      expect(toPlainJson(node)).toMatchObject({ $args: { $tuple: [`touch ${marker}`] } });
      expect(decodeChain(fx[`evil${proto}`]!).chain).toEqual(["pickle"]);
      expect(fileExists(marker)).toBe(false);
    });

    it(`shows a list containing itself as a reference, protocol ${proto}`, () => {
      const { node } = decodePickle(fx[`cycle${proto}`]!);
      expect(node).toMatchObject({
        kind: "list",
        ref: 1,
        items: [{ kind: "reference", target: 1 }],
      });
    });

    it(`stops a deeply nested pickle at the depth limit, protocol ${proto}`, () => {
      expect(() => decodePickle(fx[`deep${proto}`]!)).toThrow(
        /pickle: nesting depth exceeds the maxDepth limit \(64\)/,
      );
      expect(decodePickle(fx[`deep${proto}`]!, limitsWith({ maxDepth: 101 })).node.kind).toBe(
        "list",
      );
    });
  }

  it("reports truncated pickles with the offset, for every cut of every protocol", () => {
    for (let proto = 0; proto <= 5; proto++) {
      const bytes = fx[`value${proto}`]!;
      for (let cut = 0; cut < bytes.length; cut += 7) {
        const err = catchError(() => decodePickle(bytes.subarray(0, cut)));
        expect(err.message).toMatch(/^pickle: .* at byte offset \d+$/);
      }
    }
    expect(() => decodePickle(Uint8Array.of(0x80, 9))).toThrow(
      /protocol 9 is newer than 5 at byte offset 0/,
    );
    expect(() => decodePickle(Uint8Array.of(0x80, 4, 0xff))).toThrow(
      /unknown opcode 0xff at byte offset 2/,
    );
  });
});
