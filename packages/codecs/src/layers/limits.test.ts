import { CachifyError } from "@cachify/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SAMPLES } from "../../../../test/fixtures/codecs/samples.ts";
import { py, run, shell, TOOL_PAIRS, TOOL_PATHS } from "../../../../test/fixtures/codecs/tools.ts";
import type { DecodeLimits } from "../layer.ts";
import { compressionLayer, compressionLayers, prepareLayers } from "./index.ts";

/**
 * Every layer treats its input as hostile: bombs from the real tools stop at the output cap with
 * a message naming the limit and the option that raises it; truncated and damaged values fail
 * with the layer's own error, never a crash, a hang or output past the cap.
 */

const MiB = 1024 * 1024;
const cap = (maxOutputBytes: number): DecodeLimits => ({ maxOutputBytes });

function refusal(fn: () => unknown): CachifyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    return e as CachifyError;
  }
  throw new Error("expected the decode to be refused");
}

function expectCapStop(layer: string, bomb: Uint8Array, limit: number): void {
  const t0 = performance.now();
  const e = refusal(() => compressionLayer(layer)!.decode(bomb, cap(limit)));
  expect(e.code).toBe("bad-input");
  expect(e.message).toContain(
    `${layer}: decoded size exceeds the maxOutputBytes limit (${limit} bytes`,
  );
  expect(e.message).toContain("--decode-max-output-bytes");
  expect(e.details).toEqual({ format: layer, limit: "maxOutputBytes", value: limit });
  // Stopping at the cap costs about the cap's worth of work, not the bomb's.
  expect(performance.now() - t0).toBeLessThan(5_000);
}

/** Bombs of zeros, each written by the real tool from a stream (no large file on disk). */
/** zstd's bombs keep a 2 MiB window, so their cap is above it to show the streaming stop. */
const BOMBS: { layer: string; claims: string; cap?: number; make: () => Uint8Array }[] = [
  {
    layer: "gzip",
    claims: "256 MiB",
    make: () => shell(`head -c 256M /dev/zero | ${TOOL_PATHS.gzip} -1`),
  },
  {
    layer: "zlib",
    claims: "256 MiB",
    make: () => py("zlib.compress(bytes(256 << 20), 9)", new Uint8Array(), "zlib"),
  },
  {
    layer: "deflate",
    claims: "256 MiB",
    make: () =>
      py(
        "(lambda c: c.compress(bytes(256 << 20)) + c.flush())(zlib.compressobj(9, zlib.DEFLATED, -15))",
        new Uint8Array(),
        "zlib",
      ),
  },
  {
    layer: "brotli",
    claims: "1 GiB",
    make: () => shell(`head -c 1G /dev/zero | ${TOOL_PATHS.brotli} -c -q 1`),
  },
  {
    layer: "zstd",
    claims: "1 GiB, size not declared",
    cap: 8 * MiB,
    make: () => shell(`head -c 1G /dev/zero | ${TOOL_PATHS.zstd} -c -q`),
  },
  {
    layer: "zstd",
    claims: "1 GiB, size declared in the header",
    make: () => shell(`head -c 1G /dev/zero | ${TOOL_PATHS.zstd} -c -q --stream-size=1073741824`),
  },
  {
    layer: "lz4",
    claims: "256 MiB",
    make: () => shell(`head -c 256M /dev/zero | ${TOOL_PATHS.lz4} -c -q`),
  },
  {
    layer: "lz4-block",
    claims: "64 MiB",
    make: () => py("lz4.block.compress(bytes(64 << 20))", new Uint8Array(), "lz4.block"),
  },
  {
    layer: "snappy",
    claims: "64 MiB",
    make: () => py("snappy.compress(bytes(64 << 20))", new Uint8Array(), "snappy"),
  },
  {
    layer: "snappy-framed",
    claims: "4 MiB",
    make: () =>
      TOOL_PAIRS.find((p) => p.layer === "snappy-framed")!.encode(new Uint8Array(4 * MiB)),
  },
];

beforeAll(() => prepareLayers());

describe("output cap: bombs from the real tools stop at the limit", () => {
  for (const bomb of BOMBS) {
    it(`${bomb.layer}: ${bomb.claims} of zeros stops at a ${(bomb.cap ?? MiB) / MiB} MiB cap`, () => {
      expectCapStop(bomb.layer, bomb.make(), bomb.cap ?? MiB);
    });
  }

  it("the cap is exact: a value of exactly the cap decodes, one byte more is refused", () => {
    const value = SAMPLES[3]!.bytes;
    for (const layer of compressionLayers) {
      const packed = layer.encode!(value);
      expect(layer.decode(packed, cap(value.length)).length, layer.name).toBe(value.length);
      expectCapStop(layer.name, packed, value.length - 1);
    }
  });
});

describe("zstd window", () => {
  it("a frame whose window is over the cap is refused before the decoder allocates it", () => {
    // zstd --long=27 from a pipe declares a 128 MiB window whatever the value's size.
    const packed = run(TOOL_PATHS.zstd, ["-c", "-q", "--long=27"], SAMPLES[3]!.bytes);
    const e = refusal(() => compressionLayer("zstd")!.decode(packed, cap(64 * MiB)));
    expect(e.message).toContain(
      "zstd: the frame's window of 134217728 bytes exceeds the maxOutputBytes limit",
    );
    const raised = compressionLayer("zstd")!.decode(packed, cap(128 * MiB));
    expect(Buffer.from(raised).equals(Buffer.from(SAMPLES[3]!.bytes))).toBe(true);
  });
});

describe("input checks", () => {
  it("an input over maxInputBytes is refused before decoding, naming the limit", () => {
    for (const layer of compressionLayers) {
      const packed = layer.encode!(SAMPLES[3]!.bytes);
      const e = refusal(() => layer.decode(packed, { maxOutputBytes: MiB, maxInputBytes: 100 }));
      expect(e.message).toContain(
        `${layer.name}: input of ${packed.length} bytes exceeds the maxInputBytes limit`,
      );
      expect(e.message).toContain("--decode-max-input-bytes");
    }
  });

  it("a truncated value from the real tool fails with the layer's own error", () => {
    for (const pair of TOOL_PAIRS) {
      const packed = pair.encode(SAMPLES[5]!.bytes);
      for (const keep of [0.5, 0.9]) {
        const cut = packed.subarray(0, Math.floor(packed.length * keep));
        const e = refusal(() => compressionLayer(pair.layer)!.decode(cut, cap(64 * MiB)));
        expect(e.code, `${pair.label} cut at ${keep}`).toBe("bad-input");
        expect(e.message.startsWith(`${pair.layer}:`), e.message).toBe(true);
      }
    }
  });

  it("damaged values (any byte changed, any cut) give bytes within the cap or a CachifyError", () => {
    const limit = 256 * 1024;
    const packedBy = new Map(TOOL_PAIRS.map((p) => [p.label, p.encode(SAMPLES[3]!.bytes)]));
    fc.assert(
      fc.property(
        fc.constantFrom(...TOOL_PAIRS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 255 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (pair, where, value, keep) => {
          const packed = packedBy.get(pair.label)!.slice();
          packed[Math.floor(where * (packed.length - 1))] = value;
          const input = packed.subarray(0, Math.max(1, Math.ceil(keep * packed.length)));
          try {
            expect(
              compressionLayer(pair.layer)!.decode(input, cap(limit)).length,
            ).toBeLessThanOrEqual(limit);
          } catch (e) {
            expect(e, String(e)).toBeInstanceOf(CachifyError);
          }
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe("checksums", () => {
  it("our CRC-32C equals python-snappy's on every sample (framed Snappy depends on it)", async () => {
    const { crc32c } = await import("../checksums.ts");
    const { snappyCrc32c } = await import("../../../../test/fixtures/codecs/tools.ts");
    for (const s of SAMPLES.slice(0, 4))
      expect(crc32c(s.bytes), s.name).toBe(snappyCrc32c(s.bytes));
  });
});
