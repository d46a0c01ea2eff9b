import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { run, shell } from "../../../../../test/fixtures/codecs/tools.ts";
import {
  fileExists,
  msgpackFixtures,
  phpFixtures,
  pythonFixtures,
  scratchDir,
} from "../../../../../test/fixtures/decoders/generate.ts";
import { rawCommand } from "../../../../../test/harness/index.ts";
import { studioApi } from "../../../../../test/support/studio-api.ts";

const servers = inject("servers");
const P = `view:${process.pid}:`;
const MiB = 1024 * 1024;
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const text = (s: string) => new TextEncoder().encode(s);

/**
 * GET /api/profiles/:id/value/view through the built studio: values written by the real encoders
 * (php-cli, CPython's pickle and msgpack, gzip(1), zstd(1), lz4(1)) read through the gate and
 * decoded in the codec pool's worker threads, the errors a viewer shows, and the server answering
 * other requests while a slow value decodes.
 */
describe("GET /value/view: a string value decoded off the main thread", () => {
  let studio: RunningStudio;
  let dev = "";
  let mc = "";
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-view-"));
  const { call, confirmed } = studioApi(() => studio);
  const view = (profile: string, key: string, query = "") =>
    call("GET", `/api/profiles/${profile}/value/view?key=${encodeURIComponent(key)}${query}`);

  const scratch = scratchDir();
  const marker = join(scratch, "pwned");
  const php = phpFixtures(
    `$out["cart"] = serialize(["user" => 42, "items" => ["apple", "pear"], "total" => 3.5]);`,
  );
  const pickled = pythonFixtures(
    `import os, pickle
class Evil:
    def __reduce__(self):
        return (os.system, ("touch ${marker}",))
out["evil"] = pickle.dumps({"session": Evil(), "n": 7}, protocol=4)`,
  );
  const packed = msgpackFixtures(`values["m"] = {"id": 9, "tags": ["a", "b"]}`);
  const gzJson = run("gzip", ["-c"], text('{"cart":[1,2,3]}'));
  const zstdPacked = run("zstd", ["-c", "-q"], packed.m!);
  // 100 MB of zeros in 100 kB: stops at the 64 MiB default cap.
  const bomb = shell("head -c 100000000 /dev/zero | gzip -c -9");
  // 1 GiB of zeros through lz4(1): 4 MiB whose decode takes seconds in JavaScript.
  const slow = shell("head -c 1G /dev/zero | lz4 -c -q");
  const nested = text(`${"[".repeat(100)}${"]".repeat(100)}`);

  const put = async (profile: string, key: string, value: Uint8Array) => {
    const [s, body] = await confirmed("PUT", `/api/profiles/${profile}/key`, {
      key,
      valueBase64: b64(value),
    });
    expect([s, body]).toEqual([200, expect.anything()]);
  };

  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0, collector: false });
    dev = studio.app.profiles.create({ name: "view-dev", url: servers.redis.url }).id;
    mc = studio.app.profiles.create({ name: "view-mc", url: servers.memcached.url }).id;
    await put(dev, `${P}php`, php.cart!);
    await put(dev, `${P}pickle`, pickled.evil!);
    await put(dev, `${P}msgpack`, packed.m!);
    await put(dev, `${P}gz`, gzJson);
    await put(dev, `${P}zst`, zstdPacked);
    await put(dev, `${P}bomb`, bomb);
    await put(dev, `${P}slow`, slow);
    await put(dev, `${P}nested`, nested);
    await put(mc, `${P}mc`, gzJson);
    await rawCommand(servers.redis.port, ["HSET", `${P}hash`, "f", "v"]);
  }, 60_000);
  afterAll(async () => {
    const keys = ["php", "pickle", "msgpack", "gz", "zst", "bomb", "slow", "nested", "hash"];
    await rawCommand(servers.redis.port, ["DEL", ...keys.map((k) => `${P}${k}`)]);
    await confirmed("DELETE", `/api/profiles/${mc}/key?key=${encodeURIComponent(`${P}mc`)}`, {});
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it("detects PHP serialize written by php-cli and answers the documented shape", async () => {
    const [s, body] = await view(dev, `${P}php`);
    expect(s).toBe(200);
    expect(body).toEqual({
      key: `${P}php`,
      keyBase64: b64(text(`${P}php`)),
      type: "string",
      chain: ["php"],
      value: {
        user: 42,
        items: {
          $map: [
            [0, "apple"],
            [1, "pear"],
          ],
        },
        total: 3.5,
      },
      formats: expect.any(Array),
    });
    // keyBase64 reads the same key; view=auto is the default.
    const [s2, again] = await call(
      "GET",
      `/api/profiles/${dev}/value/view?keyBase64=${encodeURIComponent(b64(text(`${P}php`)))}&view=auto`,
    );
    expect(s2).toBe(200);
    expect(again.value).toEqual(body.value);
  });

  it("shows a pickle's os.system reduce as data, and runs nothing", async () => {
    const [s, body] = await view(dev, `${P}pickle`);
    expect(s).toBe(200);
    expect(body.chain).toEqual(["pickle"]);
    expect(JSON.stringify(body.value)).toMatch(/"\$object":"(posix|os)\.system"/);
    expect(JSON.stringify(body.value)).toContain(`touch ${marker}`);
    expect(fileExists(marker)).toBe(false);
  });

  it("decodes msgpack-python's bytes, and gzip(1) over JSON and zstd(1) over msgpack", async () => {
    expect(await view(dev, `${P}msgpack`, "&view=msgpack")).toEqual([
      200,
      expect.objectContaining({ chain: ["msgpack"], value: { id: 9, tags: ["a", "b"] } }),
    ]);
    expect(await view(dev, `${P}gz`)).toEqual([
      200,
      expect.objectContaining({ chain: ["gzip", "json"], value: { cart: [1, 2, 3] } }),
    ]);
    expect(await view(dev, `${P}zst`, "&view=zstd,msgpack")).toEqual([
      200,
      expect.objectContaining({ chain: ["zstd", "msgpack"], value: { id: 9, tags: ["a", "b"] } }),
    ]);
  });

  it("decodes a string on the harness's memcached the same way", async () => {
    expect(await view(mc, `${P}mc`)).toEqual([
      200,
      expect.objectContaining({
        type: "string",
        chain: ["gzip", "json"],
        value: { cart: [1, 2, 3] },
      }),
    ]);
  });

  it("lists every format and layer the decoders know, for the view-as menu", async () => {
    const [, body] = await view(dev, `${P}gz`);
    expect([...body.formats].sort()).toEqual(
      [
        ...["java", "pickle", "php", "json", "msgpack", "protobuf", "hex", "base64"],
        ...["gzip", "zlib", "deflate", "brotli", "zstd", "lz4", "lz4-block", "snappy"],
        "snappy-framed",
      ].sort(),
    );
  });

  it("refuses a collection (param key), an unknown or wrong format (param view), a missing key (404)", async () => {
    const [hs, h] = await view(dev, `${P}hash`);
    expect(hs).toBe(400);
    expect(h.error).toMatchObject({ code: "bad-input", details: { param: "key" } });
    expect(h.error.message).toMatch(/is a hash: the viewer decodes string values/);

    const [us, u] = await view(dev, `${P}php`, "&view=gzip,yaml");
    expect(us).toBe(400);
    expect(u.error).toMatchObject({ code: "bad-input", details: { param: "view" } });
    expect(u.error.message).toMatch(/Unknown format "yaml"/);

    const [ws, w] = await view(dev, `${P}php`, "&view=pickle");
    expect(ws).toBe(400);
    expect(w.error).toMatchObject({ code: "bad-input", details: { param: "view" } });
    expect(w.error.message).toMatch(/pickle/);

    const [ms, m] = await view(dev, `${P}nothing-here`);
    expect(ms).toBe(404);
    expect(m.error.code).toBe("not-found");
  });

  it("stops at a limit with details.limit (param view), and decodes once the limit is raised", async () => {
    const [bs, b] = await view(dev, `${P}bomb`);
    expect(bs).toBe(400);
    expect(b.error).toMatchObject({
      code: "bad-input",
      details: { param: "view", limit: "maxOutputBytes", value: 64 * MiB },
    });
    const [ds, d] = await view(dev, `${P}nested`);
    expect(ds).toBe(400);
    expect(d.error.details).toMatchObject({ param: "view", limit: "maxDepth", value: 64 });
    const [rs, r] = await view(dev, `${P}nested`, "&maxDepth=200");
    expect(rs).toBe(200);
    expect(r.chain).toEqual(["json"]);
    const [bad, refused] = await view(dev, `${P}nested`, "&maxDepth=0");
    expect(bad).toBe(400);
    expect(refused.error.details).toEqual({ param: "maxDepth" });
  }, 30_000);

  it("a slow decode is ended at its deadline (400, param view) while GET /api/profiles keeps answering within 200 ms", async () => {
    const latencies: number[] = [];
    let done = false;
    const t0 = performance.now();
    const decoding = view(dev, `${P}slow`, `&view=lz4&maxOutputBytes=${1024 * MiB}&timeoutMs=2000`)
      .then((answer) => ({ answer, ms: performance.now() - t0 }))
      .finally(() => {
        done = true;
      });
    while (!done) {
      const t = performance.now();
      const [s] = await call("GET", "/api/profiles");
      expect(s).toBe(200);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    const { answer, ms } = await decoding;
    const [status, body] = answer;
    const worst = Math.max(...latencies);
    console.info(
      `value view: lz4 decode ended at its 2000 ms deadline after ${ms.toFixed(0)} ms; ` +
        `${latencies.length} GET /api/profiles meanwhile, slowest ${worst.toFixed(1)} ms`,
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: "bad-input",
      details: { param: "view", limit: "timeoutMs", value: 2000 },
    });
    expect(body.error.message).toMatch(/took too long to decode/);
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(latencies.length).toBeGreaterThan(20);
    expect(worst).toBeLessThan(200);
  }, 30_000);
});
