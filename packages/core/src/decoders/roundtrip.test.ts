import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pythonFixtures } from "../../../../test/fixtures/decoders/generate.ts";
import { CachifyError } from "../common/errors.ts";
import { decodeChain, encodeChain } from "./chain.ts";
import { decodeJson } from "./json.ts";
import { encodeJson } from "./json-encode.ts";
import { decodeMsgpack } from "./msgpack.ts";
import { encodeMsgpack } from "./msgpack-encode.ts";
import type { DecodedNode } from "./node.ts";
import { decodePhp } from "./php.ts";
import { encodePhp } from "./php-encode.ts";
import { decodeBase64, decodeHex, encodeBase64, encodeHex } from "./text-codecs.ts";

/**
 * The encoders against their own decoders over generated values: encode, decode, encode again
 * gives the same bytes, so an edit that changes nothing saves nothing different. The fixtures of
 * each format's own test prove the same against the real encoders' bytes.
 */
function msgpackOrNull(node: DecodedNode): Uint8Array | null {
  try {
    return encodeMsgpack(node);
  } catch (e) {
    if (e instanceof CachifyError && /over 64 bits/.test(e.message)) return null;
    throw e;
  }
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

const py = pythonFixtures(`
import base64, binascii, os
blob = bytes(range(256)) + os.urandom(1000)
for n in range(0, 7):
    out[f"b64_{n}"] = base64.b64encode(blob[:n])
    out[f"hex_{n}"] = binascii.hexlify(blob[:n])
out["b64_big"] = base64.b64encode(blob)
out["hex_big"] = binascii.hexlify(blob)
`);

describe("encode / decode round trips", () => {
  it("base64 and hex text from Python's base64 and binascii re-encodes byte for byte", () => {
    for (const [name, text] of Object.entries(py)) {
      const [decode, encode] = name.startsWith("b64")
        ? [decodeBase64, encodeBase64]
        : [decodeHex, encodeHex];
      expect(same(encode(decode(text)), text), name).toBe(true);
      const layer = name.startsWith("b64") ? "base64" : "hex";
      expect(same(encodeChain(decodeChain(text, [layer]).node, [layer]), text), name).toBe(true);
    }
  });

  it("JSON, MessagePack and PHP serialize are stable over generated values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const json = new TextEncoder().encode(JSON.stringify(value));
        const node = decodeJson(json).node;
        expect(same(encodeJson(node), json)).toBe(true);
        // JSON integers past 64 bits have no MessagePack form; the encoder says so.
        const mp = msgpackOrNull(node);
        if (mp) expect(same(encodeMsgpack(decodeMsgpack(mp).node), mp)).toBe(true);
        const php = encodePhp(node);
        expect(same(encodePhp(decodePhp(php).node), php)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("bytes through base64 and hex come back unchanged", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(same(decodeBase64(encodeBase64(bytes)), bytes)).toBe(true);
        expect(same(decodeHex(encodeHex(bytes)), bytes)).toBe(true);
      }),
    );
  });
});
