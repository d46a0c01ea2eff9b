import { monitorEventLoopDelay } from "node:perf_hooks";
import { CachifyError } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLES } from "../../../../test/fixtures/codecs/samples.ts";
import { run, shell, TOOL_PAIRS, TOOL_PATHS } from "../../../../test/fixtures/codecs/tools.ts";
import { closeCodecPool, decodeLayer, encodeLayer } from "../api.ts";
import { compressionLayer, compressionLayers, prepareLayers } from "../layers/index.ts";
import { CodecPool } from "./worker-pool.ts";

/**
 * Decoding off the main thread: a 10 GiB gzip bomb stops at the 64 MiB default cap with the
 * process's memory bounded, a job past its deadline is ended in its worker, and all the while
 * the main thread's event loop keeps turning (measured, not assumed).
 */

const MiB = 1024 * 1024;
const CAP = 64 * MiB;

/** Watches the main thread while `work` runs: event-loop delay and the process's peak RSS. */
async function watch<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let peakRss = process.memoryUsage.rss();
  let ticks = 0;
  const sampler = setInterval(() => {
    ticks++;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  delay.enable();
  const t0 = performance.now();
  const outcome = await work().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  const ms = performance.now() - t0;
  delay.disable();
  clearInterval(sampler);
  return {
    ...outcome,
    ms,
    ticks,
    peakRss,
    maxDelayMs: delay.max / 1e6,
    p99DelayMs: delay.percentile(99) / 1e6,
  };
}

/**
 * A gzip bomb that expands to 10 GiB: gzip(1) compresses 128 MiB of zeros streamed from
 * /dev/zero, and the shell repeats that member 80 times (a multi-member gzip file is one valid
 * stream: `gzip -dc` yields all 80). Nothing of 10 GiB is ever written to disk or memory.
 */
function tenGibBomb(): { bomb: Uint8Array; member: number; members: number } {
  const member = shell(`head -c 128M /dev/zero | ${TOOL_PATHS.gzip} -9`);
  const listed = new TextDecoder().decode(run(TOOL_PATHS.gzip, ["-l"], member));
  // `gzip -l` prints "compressed uncompressed ratio name"; the real tool vouches for 128 MiB.
  expect(listed.split("\n")[1]!.trim().split(/\s+/)[1]).toBe(String(128 * MiB));
  const members = 80;
  const bomb = new Uint8Array(member.length * members);
  for (let i = 0; i < members; i++) bomb.set(member, i * member.length);
  return { bomb, member: 128 * MiB, members };
}

let bomb: ReturnType<typeof tenGibBomb>;

beforeAll(async () => {
  bomb = tenGibBomb();
  await prepareLayers();
  // Start the shared pool's workers so the measurements below exclude their start-up.
  await Promise.all([
    decodeLayer("gzip", new Uint8Array(TOOL_PAIRS[0]!.encode(SAMPLES[2]!.bytes))),
  ]);
}, 60_000);

afterAll(() => closeCodecPool());

describe("decodeLayer: the async API runs every layer in a worker", () => {
  it("gives the same bytes as the layer itself, for every layer and the real tool's input", async () => {
    for (const pair of TOOL_PAIRS) {
      const packed = pair.encode(SAMPLES[5]!.bytes);
      const decoded = await decodeLayer(pair.layer, packed);
      expect(Buffer.from(decoded).equals(Buffer.from(SAMPLES[5]!.bytes)), pair.label).toBe(true);
    }
  });

  it("copies the caller's bytes to the worker, never taking them away (a Buffer from Node's pool too)", async () => {
    const packed = Buffer.from(TOOL_PAIRS[0]!.encode(SAMPLES[2]!.bytes));
    const neighbour = Buffer.from("shares the pool");
    const before = Buffer.from(packed);
    await decodeLayer("gzip", packed);
    expect(packed.equals(before)).toBe(true);
    expect(neighbour.toString()).toBe("shares the pool");
  });

  it("encodes in the worker too, and the real tool reads what it wrote", async () => {
    for (const layer of compressionLayers) {
      const packed = await encodeLayer(layer.name, SAMPLES[3]!.bytes);
      const pair = TOOL_PAIRS.find((p) => p.layer === layer.name)!;
      expect(
        Buffer.from(pair.decode(packed)).equals(Buffer.from(SAMPLES[3]!.bytes)),
        layer.name,
      ).toBe(true);
    }
  });

  it("refuses an unknown layer with a bad-input error", async () => {
    await expect(decodeLayer("lzma", new Uint8Array(4))).rejects.toMatchObject({
      code: "bad-input",
      message: 'no compression layer named "lzma"',
    });
  });
});

describe("a 10 GiB gzip bomb", () => {
  it("stops at the 64 MiB default cap, with the process's RSS growing by under 3x the cap", async () => {
    expect(bomb.member * bomb.members).toBe(10 * 1024 * MiB);
    globalThis.gc?.();
    const before = process.memoryUsage.rss();
    const seen = await watch(() => decodeLayer("gzip", bomb.bomb));
    expect(seen.error).toBeInstanceOf(CachifyError);
    expect((seen.error as CachifyError).message).toBe(
      "gzip: decoded size exceeds the maxOutputBytes limit (67108864 bytes, 64 MiB) and decoding " +
        "stopped there; if the value is trusted, raise it with --decode-max-output-bytes",
    );
    const grown = seen.peakRss - before;
    console.info(
      `10 GiB gzip bomb (${bomb.bomb.length} bytes in): stopped in ${seen.ms.toFixed(0)} ms, ` +
        `RSS ${(before / MiB).toFixed(0)} MiB before, peak +${(grown / MiB).toFixed(0)} MiB; ` +
        `event loop max delay ${seen.maxDelayMs.toFixed(1)} ms, p99 ${seen.p99DelayMs.toFixed(1)} ms`,
    );
    expect(grown).toBeLessThan(3 * CAP);
    expect(seen.maxDelayMs).toBeLessThan(100);
  }, 60_000);

  it("nested (gzip of the bomb) stops on its inner layer the same way", async () => {
    const outer = run(TOOL_PATHS.gzip, ["-c", "-9"], bomb.bomb);
    const inner = await decodeLayer("gzip", outer);
    expect(Buffer.from(inner).equals(Buffer.from(bomb.bomb))).toBe(true);
    await expect(decodeLayer("gzip", inner)).rejects.toMatchObject({
      code: "bad-input",
      details: { format: "gzip", limit: "maxOutputBytes", value: CAP },
    });
  }, 60_000);

  it("decodes whole when the user raises the cap past it (here only to 80 MiB, so it still stops)", async () => {
    await expect(
      decodeLayer("gzip", bomb.bomb, { maxOutputBytes: 80 * MiB }),
    ).rejects.toMatchObject({
      details: { value: 80 * MiB },
    });
  }, 60_000);
});

describe("deadlines", () => {
  it("a job past its timeout is ended in its worker while the main thread keeps answering", async () => {
    const pool = new CodecPool({ size: 1 });
    try {
      // Warm the worker first: its start-up is not what is measured.
      await pool.decode("lz4", compressionLayer("lz4")!.encode!(SAMPLES[2]!.bytes));
      // 1 GiB of zeros through lz4(1): a 4 MiB value whose decode takes seconds in JavaScript.
      const slow = shell(`head -c 1G /dev/zero | ${TOOL_PATHS.lz4} -c -q`);
      const seen = await watch(() =>
        pool.decode("lz4", slow, { maxOutputBytes: 1024 * MiB, timeoutMs: 300 }),
      );
      console.info(
        `lz4 job ended at its 300 ms deadline after ${seen.ms.toFixed(0)} ms; main thread: ` +
          `${seen.ticks} ticks of a 5 ms timer, event loop max delay ${seen.maxDelayMs.toFixed(1)} ms, ` +
          `p99 ${seen.p99DelayMs.toFixed(1)} ms`,
      );
      expect(seen.error).toBeInstanceOf(CachifyError);
      expect(seen.error).toMatchObject({
        code: "timeout",
        details: { format: "lz4", limit: "timeoutMs", value: 300 },
      });
      expect((seen.error as Error).message).toContain("--decode-timeout-ms");
      expect(seen.ms).toBeGreaterThanOrEqual(295);
      expect(seen.ms).toBeLessThan(2_000);
      expect(seen.maxDelayMs).toBeLessThan(100);
      expect(seen.ticks).toBeGreaterThan(20);
      // The pool replaced the ended worker: the next job is answered.
      const again = await pool.decode("lz4", compressionLayer("lz4")!.encode!(SAMPLES[3]!.bytes));
      expect(again.length).toBe(SAMPLES[3]!.bytes.length);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("jobs queue behind a busy worker and are all answered", async () => {
    const pool = new CodecPool({ size: 1 });
    try {
      const packed = compressionLayer("zstd")!.encode!(SAMPLES[5]!.bytes);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => pool.decode("zstd", packed)),
      );
      for (const r of results) expect(r.length).toBe(SAMPLES[5]!.bytes.length);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("closing refuses the running job and new work", async () => {
    const pool = new CodecPool({ size: 1 });
    await pool.decode("gzip", compressionLayer("gzip")!.encode!(SAMPLES[2]!.bytes));
    const running = pool.decode("gzip", bomb.bomb, { maxOutputBytes: 1024 * MiB });
    // Watch the job before closing: its refusal arrives during close().
    const refused = expect(running).rejects.toMatchObject({ message: "the codec pool was closed" });
    await pool.close();
    await refused;
    await expect(pool.decode("gzip", new Uint8Array(1))).rejects.toMatchObject({
      code: "internal",
    });
  });
});
