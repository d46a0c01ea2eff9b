import { CachifyError } from "@cachify/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkKey, isValidKey } from "./key-check.ts";
import { metaSet } from "./requests.ts";

const k = (text: string) => new TextEncoder().encode(text);

function refusal(key: Uint8Array): CachifyError {
  try {
    checkKey(key);
  } catch (e) {
    return e as CachifyError;
  }
  throw new Error("the key was accepted");
}

describe("key check", () => {
  it("accepts printable ASCII, UTF-8 and exactly 250 bytes", () => {
    expect(() => checkKey(k("user:1"))).not.toThrow();
    expect(() => checkKey(k("café:ü"))).not.toThrow();
    expect(() => checkKey(new Uint8Array(250).fill(0x61))).not.toThrow();
  });

  it("refuses a key with a space, saying what is wrong and what to do", () => {
    const e = refusal(k("user 1"));
    expect(e).toBeInstanceOf(CachifyError);
    expect(e.code).toBe("bad-input");
    expect(e.message).toMatch(/contains a space at byte 4/);
    expect(e.message).toMatch(/Use a key without them/);
  });

  it("refuses CR, LF, NUL, tab and DEL (command injection)", () => {
    expect(refusal(k("a\r\nflush_all")).message).toMatch(/carriage return/);
    expect(refusal(k("a\nb")).message).toMatch(/line feed/);
    for (const b of [0x00, 0x09, 0x7f]) {
      expect(refusal(new Uint8Array([0x61, b])).code).toBe("bad-input");
    }
  });

  it("refuses 251 bytes and the empty key", () => {
    expect(refusal(new Uint8Array(251).fill(0x61)).message).toMatch(/251 bytes long.*at most 250/);
    expect(refusal(new Uint8Array(0)).message).toMatch(/empty/);
  });

  it("is applied by the request builders too", () => {
    expect(() => metaSet(k("a\r\nb"), k("v"), [])).toThrow(CachifyError);
  });

  it("isValidKey accepts exactly the keys checkKey accepts", () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x21, max: 0x7e }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(byte, { maxLength: 40 }),
          fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 248, maxLength: 252 }),
        ),
        (bytes) => {
          const key = new Uint8Array(bytes);
          let accepted = true;
          try {
            checkKey(key);
          } catch {
            accepted = false;
          }
          expect(isValidKey(key)).toBe(accepted);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
