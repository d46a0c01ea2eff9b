import { connect } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { run } from "../fixtures/codecs/tools.ts";
import {
  fileExists,
  msgpackFixtures,
  phpFixtures,
  pythonFixtures,
  scratchDir,
} from "../fixtures/decoders/generate.ts";
import { deleteKeys, useStudioPage } from "./studio-page.ts";

/**
 * The value viewer in Chromium (issue 17): values written by the real encoders (php-cli,
 * CPython's pickle, msgpack-python, gzip(1)) opened in the value panel, decoded by the studio and
 * shown as a foldable tree under the decoder chain; a pickle that would call os.system shown as
 * data with nothing run; a wrong "view as" and a decode limit answered in place, Raw still there.
 * Screenshots, light and dark, go to test-artifacts/e2e/.
 */

const P = `e2eview${Date.now().toString(36)}:`;
const marker = join(scratchDir(), "pwned");

const php = phpFixtures(`
  enum Suit: string { case Hearts = "H"; case Spades = "S"; }
  class Point { public $x = 1; protected $y = 2.5; private $label = "origin"; }
  $p = new Point();
  $out["session"] = serialize(["user" => $p, "again" => $p, "suit" => Suit::Hearts, "tags" => ["a", "b"]]);
`);
const pickle = pythonFixtures(`
import pickle, base64, os
class Evil:
    def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))
out["evil"] = base64.b64encode(pickle.dumps(Evil(), protocol=4))
`);
const msgpack = msgpackFixtures(`
values["doc"] = {"order": 42, "items": [{"sku": "A-1", "qty": 2}], "blob": b"\\x00\\xff\\x10", "paid": True}
`);
const gzipped = run("gzip", ["-c"], msgpack.doc!);
const DEEP = `${"[".repeat(100)}${"]".repeat(100)}`;

/** SET with the value's exact bytes (the harness's raw command sends text). */
function setBytes(port: number, key: string, value: Uint8Array): Promise<void> {
  const head = (b: Buffer) => Buffer.from(`$${b.length}\r\n`);
  const k = Buffer.from(key);
  const v = Buffer.from(value);
  const crlf = Buffer.from("\r\n");
  const frame = Buffer.concat([
    Buffer.from("*3\r\n$3\r\nSET\r\n"),
    head(k),
    k,
    crlf,
    head(v),
    v,
    crlf,
  ]);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port }, () => sock.write(frame));
    sock.on("data", (d) => {
      sock.end();
      d.toString().startsWith("+OK") ? resolve() : reject(new Error(d.toString()));
    });
    sock.on("error", reject);
  });
}

describe("the value viewer in Chromium", () => {
  const { redis } = inject("servers");
  let profileId = "";
  const s = useStudioPage({
    name: "viewer",
    async before() {
      await deleteKeys(redis.port, P);
      await setBytes(redis.port, `${P}php`, php.session!);
      await setBytes(redis.port, `${P}pickle`, pickle.evil!);
      await setBytes(redis.port, `${P}msgpack.gz`, gzipped);
      await setBytes(redis.port, `${P}deep`, new TextEncoder().encode(DEEP));
    },
    started(studio) {
      profileId = studio.app.profiles.create({
        name: "dev local",
        url: redis.url,
        environment: "dev",
      }).id;
    },
    page: { width: 1360, height: 820, timeoutMs: 15_000 },
    after: () => deleteKeys(redis.port, P),
  });
  let page: Page;
  beforeAll(async () => {
    page = s.page;
    await s.h.open(profileId);
    await page.getByRole("heading", { level: 1, name: "dev local" }).waitFor();
  });

  const viewAs = () => page.getByRole("combobox", { name: "View as" });
  const crumbs = () => page.getByRole("navigation", { name: "Decoded as" });
  const tree = () => page.getByRole("region", { name: "Decoded value", exact: true });
  const raw = () => page.getByRole("region", { name: "Value", exact: true });

  it("opens a PHP session (not text) decoded: objects with their class, enums, references", async () => {
    await s.h.goTo(`${P}php`);
    // Protected and private properties hold NUL bytes: not text, so Auto is the view.
    expect(await viewAs().inputValue()).toBe("auto");
    await expect.poll(() => crumbs().textContent()).toBe("PHP serialize");
    const text = await tree().textContent();
    expect(text).toContain("Point");
    expect(text).toMatch(/x:\s*1/);
    expect(text).toContain("\\0*\\0y");
    expect(text).toContain("Suit::Hearts");
    expect(text).toMatch(/reference\s*→ #\d+/);
    expect(text).toContain('"a"');
    // Editing stays on the raw form: the decoded view offers none.
    expect(await page.getByRole("button", { name: "Edit value" }).count()).toBe(0);
    await s.h.shotBoth("60-viewer-php");

    // A branch folds from the keyboard: its summary takes focus, Enter closes it.
    const user = tree().locator("summary", { hasText: "Point" }).first();
    await user.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => tree().textContent()).not.toMatch(/x:\s*1/);
  });

  it("shows a base64 pickle that would call os.system as data, and runs nothing", async () => {
    await s.h.goTo(`${P}pickle`);
    // Base64 is text: Raw stays the view, with what Auto would find offered beside it.
    expect(await viewAs().inputValue()).toBe("raw");
    await page.getByRole("button", { name: "Decodes as base64 › pickle" }).waitFor();
    await s.h.shot("61-viewer-pickle-raw");
    await viewAs().selectOption("auto");
    await expect.poll(() => crumbs().textContent()).toBe("base64 › pickle");
    const note = page.getByRole("note").filter({ hasText: "nothing in it was run" });
    await note.waitFor();
    const text = await tree().textContent();
    expect(text).toMatch(/(posix|os)\.system/);
    expect(text).toContain("reduce");
    expect(text).toContain(`"touch ${marker}"`);
    expect(fileExists(marker)).toBe(false);
    await s.h.shotBoth("61-viewer-pickle");
  });

  it("opens gzip'd MessagePack through the chain, bytes as hex with their length", async () => {
    await s.h.goTo(`${P}msgpack.gz`);
    expect(await viewAs().inputValue()).toBe("auto");
    await expect.poll(() => crumbs().textContent()).toBe("gzip › MessagePack");
    const text = await tree().textContent();
    expect(text).toMatch(/order:\s*42/);
    expect(text).toMatch(/sku:\s*"A-1"/);
    expect(text).toMatch(/bytes\s*3 B\s*00 ff 10/);
    expect(text).toMatch(/paid:\s*true/);
    await s.h.shotBoth("62-viewer-gzip-msgpack");
  });

  it("answers a wrong view as with the server's message in place, Raw still there", async () => {
    await s.h.goTo(`${P}msgpack.gz`);
    await crumbs().waitFor();
    await viewAs().selectOption("php");
    const alert = page.getByRole("alert").filter({ hasText: "Not readable as PHP serialize" });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/PHP serialize: .*byte offset/);
    await s.h.shotBoth("63-viewer-wrong-format");
    await page.getByRole("button", { name: "Show the raw value" }).click();
    expect(await viewAs().inputValue()).toBe("raw");
    await expect.poll(() => raw().textContent()).toContain("1f 8b");
  });

  it("names the decode limit a deeply nested value hits", async () => {
    await s.h.goTo(`${P}deep`);
    await raw().waitFor();
    await viewAs().selectOption("auto");
    const alert = page.getByRole("alert").filter({ hasText: "could not be decoded" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("maxDepth");
    await s.h.shotBoth("64-viewer-limit");
    await viewAs().selectOption("raw");
    await expect.poll(() => raw().textContent()).toBe(DEEP);
  });
});
