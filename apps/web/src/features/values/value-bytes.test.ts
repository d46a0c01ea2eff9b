import { bytesFromBase64 } from "@cachify/core/shared";
import { describe, expect, it } from "vitest";
import { cellOf, decodeUtf8, hexDump, looksBinary, prettyJson } from "./value-bytes.ts";

describe("value bytes", () => {
  it("decodes base64 to the exact bytes", () => {
    expect([...bytesFromBase64(Buffer.from([0, 255, 10, 65]).toString("base64"))]).toEqual([
      0, 255, 10, 65,
    ]);
  });

  it("tells UTF-8 text from binary", () => {
    expect(decodeUtf8(new TextEncoder().encode("héllo ✓"))).toBe("héllo ✓");
    expect(decodeUtf8(new Uint8Array([0xff, 0xfe, 0x41]))).toBeUndefined();
    expect(looksBinary("line one\nline\ttwo\r\n")).toBe(false);
    expect(looksBinary("a\u0000b")).toBe(true);
  });

  it("pretty-prints objects and arrays only", () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson("[]")).toBe("[]");
    expect(prettyJson("42")).toBeUndefined();
    expect(prettyJson('"text"')).toBeUndefined();
    expect(prettyJson("{nope")).toBeUndefined();
  });

  it("dumps hex with offsets, two groups of eight and an ASCII column", () => {
    const bytes = new TextEncoder().encode("0123456789abcdefXY");
    const lines = hexDump(bytes).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef",
    );
    expect(lines[1]).toBe(`00000010  58 59 ${" ".repeat(3 * 14 + 1)} XY`);
    expect(hexDump(new Uint8Array([0, 0x7f, 0x20]))).toMatch(/ {2}\.\. $/);
  });

  it("keeps a leading BOM and escapes binary cells like redis-cli", () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("\ufeffA");
    expect(cellOf(Buffer.from([0x61, 0x00, 0xff]).toString("base64"))).toEqual({
      text: "a\\x00\\xff",
      binary: true,
    });
    expect(cellOf(Buffer.from("plain").toString("base64"))).toEqual({
      text: "plain",
      binary: false,
    });
  });

  it("stops the dump at the limit", () => {
    expect(hexDump(new Uint8Array(100), 32).split("\n")).toHaveLength(2);
  });
});
