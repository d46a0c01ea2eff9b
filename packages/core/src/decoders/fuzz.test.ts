import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { decodeChain } from "./chain.ts";
import { decodeJava } from "./java.ts";
import { decodeJson } from "./json.ts";
import { limitsWith } from "./limits.ts";
import { decodeMsgpack } from "./msgpack.ts";
import type { DecodedNode } from "./node.ts";
import { decodePhp } from "./php.ts";
import { decodePickle } from "./pickle.ts";
import { toPlainJson } from "./plain-json.ts";
import { decodeProtobuf } from "./protobuf.ts";
import { decodeBase64, decodeHex } from "./text-codecs.ts";

/**
 * Random and mutated bytes against every decoder: the only thing allowed out is a CachifyError,
 * and a tree that comes back stays within the limits it was given.
 */
const limits = limitsWith({ maxDepth: 12, maxNodes: 2000, maxOutputBytes: 20_000 });
const decoders: [string, (b: Uint8Array) => unknown][] = [
  ["json", (b) => decodeJson(b, limits)],
  ["msgpack", (b) => decodeMsgpack(b, limits)],
  ["php", (b) => decodePhp(b, limits)],
  ["pickle", (b) => decodePickle(b, limits)],
  ["java", (b) => decodeJava(b, limits)],
  ["protobuf", (b) => decodeProtobuf(b, limits)],
  ["base64", (b) => decodeBase64(b, limits)],
  ["hex", (b) => decodeHex(b, limits)],
  ["chain", (b) => decodeChain(b, undefined, { limits })],
];

function measure(n: DecodedNode, depth = 0, acc = { nodes: 0, depth: 0 }) {
  acc.nodes++;
  acc.depth = Math.max(acc.depth, depth);
  const kids =
    n.kind === "list"
      ? n.items
      : n.kind === "map"
        ? n.entries.flatMap((e) => [e.key, e.value])
        : n.kind === "object"
          ? [
              ...n.fields.flatMap((e) => [e.key, e.value]),
              ...(n.args ? [n.args] : []),
              ...(n.state ? [n.state] : []),
            ]
          : [];
  for (const k of kids) measure(k, depth + 1, acc);
  return acc;
}

// Seeds that start like each format, so mutations get past the first byte more often.
const prefixes = [
  "a:2:{",
  's:3:"',
  "O:1:",
  "\x80\x04\x95",
  "(lp0\n",
  '{"a":[',
  "\x82\xa1",
  "\x93",
  "\xac\xed\x00\x05\x73\x72",
  "\x0a\x05",
].map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));
const input = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 200 }))
    .map(([p, r]) => Uint8Array.of(...p, ...r)),
);

describe("hostile bytes (fast-check)", () => {
  for (const [name, decode] of decoders) {
    it(`${name}: throws only CachifyError and stays within the limits`, () => {
      fc.assert(
        fc.property(input, (bytes) => {
          let result: unknown;
          try {
            result = decode(bytes);
          } catch (e) {
            if (!(e instanceof CachifyError)) throw e;
            expect(e.code).toBe("bad-input");
            return;
          }
          const node = (result as { node?: DecodedNode }).node;
          if (node) {
            const m = measure(node);
            expect(m.depth).toBeLessThanOrEqual(limits.maxDepth + 1);
            expect(m.nodes).toBeLessThanOrEqual(limits.maxNodes);
            expect(() => JSON.stringify(toPlainJson(node))).not.toThrow();
          }
        }),
        { numRuns: 3000 },
      );
    });
  }
});
