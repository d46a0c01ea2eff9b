import { CachifyError, displayKey } from "@cachify/core";

/** Memcached's own limit on key length (KEY_MAX_LENGTH in the server). */
export const MAX_KEY_BYTES = 250;

/**
 * Checks a key before it is put in any command. The text protocol separates tokens with spaces
 * and ends commands with CR LF, so a key holding a space or a control character would be read as
 * two tokens or, worse, as a second command (a newline inside a key injects whatever follows).
 * Bytes 0x21-0x7e and 0x80-0xff are accepted (UTF-8 keys are fine); 0x00-0x20 and 0x7f are not.
 */
export function checkKey(key: Uint8Array): void {
  if (key.length === 0) {
    throw new CachifyError("bad-input", "The key is empty: memcached keys need 1 to 250 bytes.");
  }
  if (key.length > MAX_KEY_BYTES) {
    throw new CachifyError(
      "bad-input",
      `The key is ${key.length} bytes long: memcached keys are at most ${MAX_KEY_BYTES} bytes. ` +
        "Use a shorter key (applications often hash long keys).",
      { details: { length: key.length, max: MAX_KEY_BYTES } },
    );
  }
  for (let i = 0; i < key.length; i++) {
    const b = key[i]!;
    if (b > 0x20 && b !== 0x7f) continue;
    const what =
      b === 0x20
        ? "a space"
        : `a control character (byte 0x${b.toString(16).padStart(2, "0")}${nameOf(b)})`;
    throw new CachifyError(
      "bad-input",
      `The key "${displayKey(key)}" contains ${what} at byte ${i}: memcached keys cannot hold ` +
        "spaces or control characters (the server would read them as a separate command). " +
        'Use a key without them, for example with ":" or "_" instead of spaces.',
      { details: { offset: i, byte: b } },
    );
  }
}

function nameOf(b: number): string {
  if (b === 0x0a) return ", line feed";
  if (b === 0x0d) return ", carriage return";
  if (b === 0x09) return ", tab";
  if (b === 0x00) return ", NUL";
  return "";
}

/** True when checkKey would accept the key (no error made: for batches of many keys). */
export function isValidKey(key: Uint8Array): boolean {
  const n = key.length;
  if (n === 0 || n > MAX_KEY_BYTES) return false;
  for (let i = 0; i < n; i++) {
    const b = key[i]!;
    if (b <= 0x20 || b === 0x7f) return false;
  }
  return true;
}

/** Checks every key of a request before any of them is sent. */
export function checkKeys(keys: readonly Uint8Array[]): void {
  for (const k of keys) checkKey(k);
}

/**
 * Why Memcached cannot store this key, as the end of a sentence that names the entry (never
 * quoting the key: it may be file content); undefined when it can.
 */
export function keyProblem(key: Uint8Array): string | undefined {
  if (isValidKey(key)) return undefined;
  if (key.length === 0) return "its key is empty";
  if (key.length > MAX_KEY_BYTES)
    return `its key is ${key.length} bytes long; memcached keys are at most ${MAX_KEY_BYTES} bytes (applications often hash long keys)`;
  const bad = key.findIndex((b) => b <= 0x20 || b === 0x7f);
  return `its key holds ${key[bad] === 0x20 ? "a space" : "a control character"} at byte ${bad + 1}; memcached keys cannot (use ":" or "_" instead)`;
}
