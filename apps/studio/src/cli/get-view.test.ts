import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { run, shell } from "../../../../test/fixtures/codecs/tools.ts";
import {
  fileExists,
  msgpackFixtures,
  phpFixtures,
  pythonFixtures,
  scratchDir,
} from "../../../../test/fixtures/decoders/generate.ts";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const P = `cliview:${process.pid}:`;
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

interface Viewed {
  type: string;
  view: { chain: string[]; value: unknown };
}

/**
 * `cachify get --view` on values the real encoders wrote (php-cli, Python's pickle and msgpack),
 * through the built CLI against the harness's Redis.
 */
describe("cachify get --view: serialized values decoded, nothing executed", () => {
  const sb = cliSandbox();
  const scratch = scratchDir();
  const marker = join(scratch, "pwned");
  const php = phpFixtures(
    `$out["cart"] = serialize(["user" => 42, "items" => ["apple", "pear"], "total" => 3.5]);`,
  );
  const pickled = pythonFixtures(
    `import os, pickle, base64
class Evil:
    def __reduce__(self):
        return (os.system, ("touch ${marker}",))
out["evil"] = base64.b64encode(pickle.dumps({"session": Evil(), "n": 7}, protocol=4))`,
  );
  const packed = msgpackFixtures(`values["m"] = {"id": 9, "tags": ["a", "b"]}`);
  // The real tools compress: gzip(1) over JSON, zstd(1) over the msgpack bytes, and a bomb of
  // 100 MB of zeros (100 kB compressed) that must stop at the 64 MiB decode limit.
  const gzJson = run("gzip", ["-c"], new TextEncoder().encode('{"cart":[1,2,3]}'));
  const zstdPacked = run("zstd", ["-c", "-q"], packed.m!);
  const bomb = shell("head -c 100000000 /dev/zero | gzip -c -9");

  const put = async (key: string, value: Uint8Array) =>
    expect((await sb.run("set", "v", `${P}${key}`, "--value-base64", b64(value))).code).toBe(0);

  beforeAll(async () => {
    expect((await sb.run("profile", "add", "v", "--url", servers.redis.url)).code).toBe(0);
    await put("php", php.cart!);
    await put("pickle", pickled.evil!);
    await put("msgpack", packed.m!);
    await put("gz", gzJson);
    await put("zst", zstdPacked);
    await put("bomb", bomb);
    await rawCommand(servers.redis.port, ["HSET", `${P}hash`, "f", "v"]);
  });
  afterAll(async () => {
    await rawCommand(servers.redis.port, [
      "DEL",
      ...["php", "pickle", "msgpack", "hash", "gz", "zst", "bomb"].map((k) => `${P}${k}`),
    ]);
    sb.cleanup();
  });

  it("auto-detects PHP serialize and prints the structure, for people and as JSON", async () => {
    const human = await sb.run("get", "v", `${P}php`, "--view", "auto");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^view: php\n/);
    expect(human.stdout).toContain('"apple"');
    const json = (await sb.run("get", "v", `${P}php`, "--view", "auto", "--json")).json<Viewed>();
    expect(json.view.chain).toEqual(["php"]);
    // A PHP array is an ordered map: its integer keys are kept, not turned into a list.
    expect(json.view.value).toEqual({
      user: 42,
      items: {
        $map: [
          [0, "apple"],
          [1, "pear"],
        ],
      },
      total: 3.5,
    });
  });

  it("shows a pickle's os.system reduce as data inside base64, and runs nothing", async () => {
    const r = (await sb.run("get", "v", `${P}pickle`, "--view", "auto", "--json")).json<Viewed>();
    expect(r.view.chain).toEqual(["base64", "pickle"]);
    // os.system pickles under its module's real name (posix on Linux): shown, never called.
    expect(JSON.stringify(r.view.value)).toMatch(/"\$object":"(posix|os)\.system"/);
    expect(JSON.stringify(r.view.value)).toContain(`touch ${marker}`);
    expect(fileExists(marker)).toBe(false);
  });

  it("takes an explicit format or chain, and says where a wrong one fails", async () => {
    const m = (
      await sb.run("get", "v", `${P}msgpack`, "--view", "msgpack", "--json")
    ).json<Viewed>();
    expect(m.view).toEqual({ chain: ["msgpack"], value: { id: 9, tags: ["a", "b"] } });
    const wrong = await sb.run("get", "v", `${P}php`, "--view", "pickle");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/pickle/i);
    const unknown = await sb.run("get", "v", `${P}php`, "--view", "yaml");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/yaml/);
  });

  it("opens compression layers the real tools wrote, and stops a bomb at the decode limit", async () => {
    const gz = (await sb.run("get", "v", `${P}gz`, "--view", "auto", "--json")).json<Viewed>();
    expect(gz.view).toEqual({ chain: ["gzip", "json"], value: { cart: [1, 2, 3] } });
    const zs = (
      await sb.run("get", "v", `${P}zst`, "--view", "zstd,msgpack", "--json")
    ).json<Viewed>();
    expect(zs.view).toEqual({ chain: ["zstd", "msgpack"], value: { id: 9, tags: ["a", "b"] } });
    const b = await sb.run("get", "v", `${P}bomb`, "--view", "auto");
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/maxOutputBytes/);
  });

  it("refuses --view on a collection with what to do instead", async () => {
    const r = await sb.run("get", "v", `${P}hash`, "--view", "auto");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--view decodes a string value/);
  });
});
