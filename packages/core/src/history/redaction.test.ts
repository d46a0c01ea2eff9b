import { describe, expect, it } from "vitest";
import { keyFromText } from "../common/keys.ts";
import { auditKey, type KeyRedactor, redactKeysInText } from "./redaction.ts";

/** A stand-in redactor: keys starting "s:" are sensitive. */
const redactor: KeyRedactor = {
  redact: (key) => {
    const text = new TextDecoder().decode(key);
    return text.startsWith("s:") ? `s:‹h:${text.length}›` : undefined;
  },
};

describe("audit display of keys under redaction rules", () => {
  it("redacts sensitive keys and shows the others redis-cli style", () => {
    expect(auditKey(keyFromText("s:42"), redactor)).toBe("s:‹h:4›");
    expect(auditKey(Uint8Array.of(0x61, 0x00), redactor)).toBe("a\\x00");
    expect(auditKey(keyFromText("s:42"))).toBe("s:42");
  });

  it("replaces sensitive names in a message, longest first and in one pass", () => {
    const keys = ["s:4", "s:42", "plain"].map(keyFromText);
    expect(
      redactKeysInText("s:42 does not exist; s:4 neither; plain is fine", keys, redactor),
    ).toBe("s:‹h:4› does not exist; s:‹h:3› neither; plain is fine");
    expect(redactKeysInText("s:42 gone", keys)).toBe("s:42 gone");
  });
});
