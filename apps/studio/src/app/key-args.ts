import {
  badInput,
  bytesAsUtf8,
  bytesFromBase64,
  bytesToBase64,
  displayKey,
  keyFromText,
} from "@cachify/core";

/** A key from either its text or its base64 bytes (exactly one). */
export function keyFrom(input: {
  key?: string | undefined;
  keyBase64?: string | undefined;
}): Uint8Array {
  if (input.keyBase64 !== undefined && input.key !== undefined) {
    throw badInput("Give either key or keyBase64, not both.");
  }
  if (input.keyBase64 !== undefined) {
    try {
      return bytesFromBase64(input.keyBase64);
    } catch {
      throw badInput("keyBase64 is not valid base64.");
    }
  }
  if (input.key === undefined || input.key === "")
    throw badInput("A key is required (key or keyBase64).");
  return keyFromText(input.key);
}

export function valueFrom(input: {
  value?: string | undefined;
  valueBase64?: string | undefined;
}): Uint8Array {
  if (input.valueBase64 !== undefined) {
    try {
      return bytesFromBase64(input.valueBase64);
    } catch {
      throw badInput("valueBase64 is not valid base64.");
    }
  }
  if (input.value === undefined) throw badInput("A value is required (value or valueBase64).");
  return keyFromText(input.value);
}

/** Key as the API and CLI print it: display text plus the exact bytes. */
export function keyOut(key: Uint8Array): { key: string; keyBase64: string } {
  return { key: displayKey(key), keyBase64: bytesToBase64(key) };
}

/** A value as text when it is UTF-8, else only as base64. */
export function valueOut(value: Uint8Array): { value: string | null; valueBase64: string } {
  return { value: bytesAsUtf8(value) ?? null, valueBase64: bytesToBase64(value) };
}

/** Milliseconds to seconds as Redis TTL does; -1 (no expiry) and -2 (missing) kept. */
export function ttlSeconds(ttlMs: number): number {
  return ttlMs < 0 ? ttlMs : Math.round(ttlMs / 1000);
}

/** `<name>` (UTF-8 text) or `<name>Base64` (exact bytes), exactly one of them. */
export function bytesFrom(
  input: Record<string, unknown>,
  name: string,
  required = true,
): Uint8Array | undefined {
  const text = input[name] as string | undefined;
  const b64 = input[`${name}Base64`] as string | undefined;
  if (text !== undefined && b64 !== undefined) {
    throw badInput(`Give either ${name} or ${name}Base64, not both.`);
  }
  if (b64 !== undefined) {
    try {
      return bytesFromBase64(b64);
    } catch {
      throw badInput(`${name}Base64 is not valid base64.`);
    }
  }
  if (text !== undefined) return new TextEncoder().encode(text);
  if (required) throw badInput(`${name} is required (${name} or ${name}Base64).`);
  return undefined;
}

/** The same, required: the bytes, or bad input naming what is missing. */
export const need = (input: Record<string, unknown>, name: string): Uint8Array =>
  bytesFrom(input, name)!;
