import { beforeAll, describe, expect, it } from "vitest";
import { SAMPLES } from "../../../../test/fixtures/codecs/samples.ts";
import { missingTools, TOOL_PAIRS } from "../../../../test/fixtures/codecs/tools.ts";
import { DEFAULT_LIMITS } from "../layer.ts";
import { compressionLayer, compressionLayers, prepareLayers } from "./index.ts";

/**
 * Each layer against the real tool that speaks its format, both ways: what the tool writes we
 * decode to the original, and what we write the tool decodes to the original.
 */

const limits = { maxOutputBytes: DEFAULT_LIMITS.maxOutputBytes };
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

beforeAll(async () => {
  expect(
    missingTools(),
    "install: apt-get install -y gzip zstd lz4 brotli python3-snappy python3-lz4",
  ).toEqual([]);
  await prepareLayers();
});

describe("compression layers against the real tools", () => {
  it("every layer has a real tool pair, and all are reversible", () => {
    const covered = new Set(TOOL_PAIRS.map((p) => p.layer));
    for (const layer of compressionLayers) {
      expect(covered.has(layer.name), layer.name).toBe(true);
      expect(layer.reversible).toBe(true);
      expect(layer.encode).toBeTypeOf("function");
    }
  });

  for (const pair of TOOL_PAIRS) {
    describe(`${pair.layer} (${pair.label})`, () => {
      const layer = () => compressionLayer(pair.layer)!;

      for (const sample of SAMPLES) {
        it(`tool-encoded ${sample.name} decodes to the original`, () => {
          const packed = pair.encode(sample.bytes);
          expect(same(layer().decode(packed, limits), sample.bytes)).toBe(true);
        });

        it(`our ${sample.name} is decoded by the tool to the original`, () => {
          const packed = layer().encode!(sample.bytes);
          expect(same(pair.decode(packed), sample.bytes)).toBe(true);
        });
      }
    });
  }

  it("zstd: several frames and a skippable frame in one value, as zstd(1) concatenates them", () => {
    const [a, b] = [SAMPLES[3]!.bytes, SAMPLES[4]!.bytes];
    const zstd = TOOL_PAIRS.find((p) => p.layer === "zstd")!;
    const both = Buffer.concat([zstd.encode(a), zstd.encode(b)]);
    expect(same(compressionLayer("zstd")!.decode(both, limits), Buffer.concat([a, b]))).toBe(true);
  });

  it("gzip: a multi-member file (gzip(1) output concatenated) decodes whole", () => {
    const gz = TOOL_PAIRS.find((p) => p.layer === "gzip")!;
    const [a, b] = [SAMPLES[2]!.bytes, SAMPLES[3]!.bytes];
    const both = Buffer.concat([gz.encode(a), gz.encode(b)]);
    expect(same(compressionLayer("gzip")!.decode(both, limits), Buffer.concat([a, b]))).toBe(true);
  });
});
