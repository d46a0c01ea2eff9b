import { describe, expect, it } from "vitest";
import { SAMPLES } from "../../../test/fixtures/codecs/samples.ts";
import { TOOL_PAIRS } from "../../../test/fixtures/codecs/tools.ts";
import { detectCompression } from "./detect.ts";
import { compressionLayers, prepareLayers } from "./layers/index.ts";

/** Magic-byte detection, on what the real tools and our own encoders write. */
const DETECTED: Record<string, string | undefined> = {
  gzip: "gzip",
  zlib: "zlib",
  zstd: "zstd",
  lz4: "lz4",
  "snappy-framed": "snappy-framed",
  // No signature: reached only by an explicit "view as" or a client's flags.
  deflate: undefined,
  brotli: undefined,
  "lz4-block": undefined,
  snappy: undefined,
};

describe("detectCompression", () => {
  it("names the layer of every real tool's output that has a signature", () => {
    for (const pair of TOOL_PAIRS) {
      const packed = pair.encode(SAMPLES[3]!.bytes);
      if (DETECTED[pair.layer]) expect(detectCompression(packed), pair.label).toBe(pair.layer);
    }
  });

  it("names the layer of our own encoders' output the same way", async () => {
    await prepareLayers();
    for (const layer of compressionLayers) {
      const packed = layer.encode!(SAMPLES[3]!.bytes);
      if (DETECTED[layer.name]) expect(detectCompression(packed), layer.name).toBe(layer.name);
    }
  });

  it("covers every layer in the table above", () => {
    expect(Object.keys(DETECTED).sort()).toEqual(compressionLayers.map((l) => l.name).sort());
  });

  it("guesses nothing for plain text, JSON, empty or one-byte values", () => {
    for (const s of SAMPLES.slice(0, 4)) expect(detectCompression(s.bytes), s.name).toBeUndefined();
  });
});
