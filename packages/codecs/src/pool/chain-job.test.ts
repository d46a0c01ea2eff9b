import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run, shell, TOOL_PATHS } from "../../../../test/fixtures/codecs/tools.ts";
import { CodecPool, defaultWorkerUrl } from "./worker-pool.ts";

/**
 * The pool's chain job: the core's `decodeChain` with every format and every compression layer,
 * run in a worker thread (the studio's value viewer decodes through it), with the same per-job
 * deadline as a layer's decode. Fixtures come from the real tools.
 */

const MiB = 1024 * 1024;
const text = (s: string) => new TextEncoder().encode(s);
const pool = new CodecPool({ size: 1 });

afterAll(() => pool.close());

describe("CodecPool.view: a whole decoder chain in a worker", () => {
  it("detects gzip(1) over JSON and answers the chain and the value as plain JSON", async () => {
    const packed = run(TOOL_PATHS.gzip, ["-c"], text('{"cart":[1,2,3],"user":"ada"}'));
    expect(await pool.view(packed)).toEqual({
      chain: ["gzip", "json"],
      value: { cart: [1, 2, 3], user: "ada" },
    });
  });

  it("applies a chain given, and leaves the caller's bytes as they were", async () => {
    const packed = run(TOOL_PATHS.zstd, ["-c", "-q"], text("[true,null,2.5]"));
    const before = Buffer.from(packed);
    expect(await pool.view(packed, ["zstd", "json"])).toEqual({
      chain: ["zstd", "json"],
      value: [true, null, 2.5],
    });
    expect(Buffer.from(packed).equals(before)).toBe(true);
  });

  it("answers an unknown step and a value not in the chosen format as bad input", async () => {
    await expect(pool.view(text("{}"), ["yaml"])).rejects.toMatchObject({
      code: "bad-input",
      message: expect.stringContaining('unknown decoder "yaml"'),
    });
    await expect(pool.view(text("not json"), ["json"])).rejects.toMatchObject({
      code: "bad-input",
      details: { format: "JSON" },
    });
  });

  it("passes a limit error on with its details, and a raised limit lets the value through", async () => {
    const nested = text(`${"[".repeat(100)}${"]".repeat(100)}`);
    await expect(pool.view(nested)).rejects.toMatchObject({
      code: "bad-input",
      details: { limit: "maxDepth", value: 64 },
    });
    const raised = await pool.view(nested, undefined, { maxDepth: 200 });
    expect(raised.chain).toEqual(["json"]);
    const bomb = shell(`head -c 100M /dev/zero | ${TOOL_PATHS.gzip} -c -9`);
    await expect(pool.view(bomb)).rejects.toMatchObject({
      code: "bad-input",
      details: { format: "gzip", limit: "maxOutputBytes", value: 64 * MiB },
    });
  }, 30_000);

  it("ends a chain past its deadline in its worker, naming the chain, and the next job is answered", async () => {
    // 1 GiB of zeros through lz4(1): 4 MiB that take seconds to decode in JavaScript.
    const slow = shell(`head -c 1G /dev/zero | ${TOOL_PATHS.lz4} -c -q`);
    const t0 = performance.now();
    await expect(
      pool.view(slow, ["lz4"], { maxOutputBytes: 1024 * MiB, timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: "timeout",
      details: { format: "lz4", limit: "timeoutMs", value: 300 },
    });
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(await pool.view(text('"again"'))).toEqual({ chain: ["json"], value: "again" });
  }, 30_000);
});

describe("defaultWorkerUrl: the worker script from the sources and from the studio bundle", () => {
  const dist = mkdtempSync(join(tmpdir(), "cachify-bundle-"));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it("is codec-worker.ts beside the pool in the sources", () => {
    const url = defaultWorkerUrl(new URL("./worker-pool.ts", import.meta.url).href);
    expect(url.pathname.endsWith("/pool/codec-worker.ts")).toBe(true);
  });

  it("is the bundle's codec-worker.js entry one folder up from a chunk, or beside it", () => {
    mkdirSync(join(dist, "chunks"));
    writeFileSync(join(dist, "codec-worker.js"), "");
    const chunk = pathToFileURL(join(dist, "chunks", "chunk-ABC.js")).href;
    expect(defaultWorkerUrl(chunk).href).toBe(pathToFileURL(join(dist, "codec-worker.js")).href);
    const entry = pathToFileURL(join(dist, "studio.js")).href;
    expect(defaultWorkerUrl(entry).href).toBe(pathToFileURL(join(dist, "codec-worker.js")).href);
  });
});
