import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SensitivePattern } from "@cachify/core";
import { afterEach, describe, expect, it } from "vitest";
import { KEY_REDACTION_PURPOSE, SensitiveKeyRedactor } from "./key-redactor.ts";
import { LocalCipher } from "./local-cipher.ts";
import { openStore } from "./open-store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), "cachify-redact-"));
  dirs.push(d);
  return d;
};
const k = (s: string) => new TextEncoder().encode(s);

function redactorIn(dir: string, patterns: SensitivePattern[]) {
  return new SensitiveKeyRedactor(
    new LocalCipher(dir).deriveKey(KEY_REDACTION_PURPOSE),
    () => patterns,
  );
}

describe("SensitiveKeyRedactor (redaction rules: prefix + keyed hash)", () => {
  const patterns: SensitivePattern[] = [
    { pattern: "session:*", snapshot: false },
    { pattern: "tok[0-9]:*", snapshot: true },
  ];

  it("keeps the pattern's literal prefix and a short tag, stable per key within a data folder; other keys untouched", () => {
    const dir = folder();
    const r = redactorIn(dir, patterns);
    const a = r.redact(k("session:quux"));
    expect(a).toMatch(/^session:‹h:[0-9a-f]{8}›$/);
    expect(a).not.toContain("quux"); // not hex: a tag cannot contain it by chance
    expect(r.redact(k("session:quux"))).toBe(a);
    // Another process on the same folder (same cachify.key) gives the same tag.
    expect(redactorIn(dir, patterns).redact(k("session:quux"))).toBe(a);
    expect(r.redact(k("session:quuz"))).not.toBe(a);
    // Keys no pattern matches are not redacted (shown as before), nor any key without patterns.
    expect(r.redact(k("user:1"))).toBeUndefined();
    expect(r.redact(k("xsession:1"))).toBeUndefined();
    expect(redactorIn(dir, []).redact(k("session:quux"))).toBeUndefined();
    // Opted in for snapshots or not, the name is hidden; the prefix stops at the first wildcard.
    expect(r.redact(k("tok1:abc"))).toMatch(/^tok‹h:[0-9a-f]{8}›$/);
    // Binary keys are hashed over their bytes.
    expect(r.redact(Uint8Array.of(0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0xff))).toMatch(
      /^session:‹h:[0-9a-f]{8}›$/,
    );
  });

  it("gives another tag in another data folder (the HMAC key comes from the folder's key)", () => {
    const one = redactorIn(folder(), patterns).redact(k("session:quux"));
    const two = redactorIn(folder(), patterns).redact(k("session:quux"));
    expect(one).toMatch(/^session:‹h:/);
    expect(two).toMatch(/^session:‹h:/);
    expect(one).not.toBe(two);
  });

  it("follows a change of the patterns, and the store's redactor reads the stored settings", () => {
    let list: SensitivePattern[] = [];
    const dir = folder();
    const r = new SensitiveKeyRedactor(
      new LocalCipher(dir).deriveKey(KEY_REDACTION_PURPOSE),
      () => list,
    );
    expect(r.redact(k("card:1"))).toBeUndefined();
    list = [{ pattern: "card:*", snapshot: false }];
    expect(r.redact(k("card:1"))).toMatch(/^card:‹h:[0-9a-f]{8}›$/);

    const store = openStore(folder());
    try {
      expect(store.keyRedactor.redact(k("card:1"))).toBeUndefined();
      store.snapshotSettings.update({ sensitive: [{ pattern: "card:*", snapshot: true }] });
      expect(store.keyRedactor.redact(k("card:1"))).toMatch(/^card:‹h:[0-9a-f]{8}›$/);
    } finally {
      store.close();
    }
  });
});
