import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits, malformed } from "./limits.ts";
import { encodeUtf8 } from "./reader.ts";

/**
 * Base64 and hex: text that stands for bytes. Both are strict (standard alphabet, padding as the
 * encoders write it, no spaces) so that what decodes also re-encodes to the same text; loose text
 * is better left as text than guessed at.
 */
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((c, i) => [c.charCodeAt(0), i]));
const HEX_DIGIT = /^[0-9a-fA-F]$/;

export function decodeBase64(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Uint8Array {
  const b = new Budget("base64", limits);
  b.checkInput(bytes.length);
  if (bytes.length % 4 !== 0)
    throw malformed("base64", bytes.length, "length is not a multiple of 4");
  let pad = 0;
  if (bytes[bytes.length - 1] === 0x3d) pad++;
  if (bytes[bytes.length - 2] === 0x3d) pad++;
  const out = new Uint8Array((bytes.length / 4) * 3 - pad);
  b.node(out.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 4) {
    let acc = 0;
    for (let j = 0; j < 4; j++) {
      const c = bytes[i + j]!;
      const v = B64_INDEX.get(c);
      const padding = c === 0x3d && i + j >= bytes.length - pad;
      if (v === undefined && !padding)
        throw malformed("base64", i + j, "character outside the base64 alphabet");
      acc = (acc << 6) | (v ?? 0);
    }
    // The last quad carries fewer bytes when padded; out.length already accounts for it.
    for (const shift of [16, 8, 0]) if (o < out.length) out[o++] = (acc >> shift) & 0xff;
  }
  return out;
}

export function encodeBase64(bytes: Uint8Array): Uint8Array {
  let s = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    s += left > 1 ? B64[(n >> 6) & 63]! : "=";
    s += left > 2 ? B64[n & 63]! : "=";
  }
  return encodeUtf8(s);
}

export function decodeHex(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Uint8Array {
  const b = new Budget("hex", limits);
  b.checkInput(bytes.length);
  if (bytes.length % 2 !== 0) throw malformed("hex", bytes.length, "odd number of hex digits");
  const out = new Uint8Array(bytes.length / 2);
  b.node(out.length);
  for (let i = 0; i < bytes.length; i++)
    if (!HEX_DIGIT.test(String.fromCharCode(bytes[i]!)))
      throw malformed("hex", i, "not a hex digit");
  for (let i = 0; i < out.length; i++)
    out[i] = Number.parseInt(String.fromCharCode(bytes[2 * i]!, bytes[2 * i + 1]!), 16);
  return out;
}

export function encodeHex(bytes: Uint8Array): Uint8Array {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return encodeUtf8(s);
}

/** Looks like base64 an encoder wrote: alphabet, padding only at the end, whole quads. */
export function looksLikeBase64(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes.length % 4 !== 0) return false;
  const s = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 4096)));
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && (bytes.length <= 4096 || /[A-Za-z0-9+/]$/.test(s));
}

export function looksLikeHex(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  const s = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 4096)));
  return /^[0-9a-fA-F]*$/.test(s);
}
