/**
 * Keys are bytes. Redis keys may hold any byte; we keep the bytes and only escape them for display,
 * the way redis-cli does (`\xHH` for non-printable bytes, `\"` and `\\` escaped).
 */
export type KeyBytes = Uint8Array;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

export function keyFromText(text: string): KeyBytes {
  return encoder.encode(text);
}

export function bytesFromBase64(b64: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw new TypeError("not valid base64");
  }
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** The text of the bytes when they are valid UTF-8, else undefined. */
export function bytesAsUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** redis-cli style display: printable ASCII and valid UTF-8 as is, other bytes as \xHH. */
export function displayKey(bytes: Uint8Array): string {
  const text = bytesAsUtf8(bytes);
  if (text !== undefined && !/[\x00-\x1f\x7f]/.test(text)) return text;
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
