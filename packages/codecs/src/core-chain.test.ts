import { DecoderRegistry, decodeChain, limitsWith, toPlainJson } from "@cachify/core";
import { beforeAll, describe, expect, it } from "vitest";
import { TOOL_PAIRS } from "../../../test/fixtures/codecs/tools.ts";
import { coreLayers, prepareLayers } from "./layers/index.ts";

/**
 * The compression layers plugged into the core's decoder chain (issue 17: `gzip › JSON`):
 * detection by magic number, an explicit "view as" for the layers without one, and a bomb's
 * limit error passed through rather than shown as raw bytes.
 */
const doc = { session: "42", user: { name: "ada", roles: ["admin", "ops"] }, n: [1, 2, 3] };
const json = new TextEncoder().encode(JSON.stringify(doc));
let registry: DecoderRegistry;

beforeAll(async () => {
  await prepareLayers();
  registry = new DecoderRegistry(coreLayers());
});

describe("the core's chain with the compression layers", () => {
  for (const pair of TOOL_PAIRS) {
    it(`${pair.label}: JSON inside is shown decoded`, () => {
      const packed = pair.encode(json);
      const signed = coreLayers().find((l) => l.name === pair.layer)!.detect !== undefined;
      // Layers without a magic number are chosen explicitly, as "view as" does.
      const result = decodeChain(packed, signed ? undefined : [pair.layer, "json"], { registry });
      expect(result.chain).toEqual([pair.layer, "json"]);
      expect(toPlainJson(result.node)).toEqual(doc);
    });
  }

  it("a bomb stops the chain with the limit's message, not a fallback to raw bytes", () => {
    const gzip = TOOL_PAIRS.find((p) => p.layer === "gzip")!;
    const bomb = gzip.encode(new Uint8Array(8 * 1024 * 1024));
    expect(() =>
      decodeChain(bomb, undefined, {
        registry,
        limits: limitsWith({ maxOutputBytes: 1024 * 1024 }),
      }),
    ).toThrow(/gzip: decoded size exceeds the maxOutputBytes limit \(1048576 bytes, 1 MiB\)/);
  });
});
