/** Byte helpers for the value panel: base64 in, text / JSON / hex out. */

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function textToBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (binary). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Control characters other than tab/newline/CR make "text" unreadable: treat it as binary. */
export function looksBinary(text: string): boolean {
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}

/** Pretty JSON when the text is an object or array that parses; undefined otherwise. */
export function prettyJson(text: string): string | undefined {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return undefined;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A classic hex dump: offset, 16 bytes in two groups of 8, printable ASCII. */
export function hexDump(bytes: Uint8Array, limit = 64 * 1024): string {
  const end = Math.min(bytes.length, limit);
  const lines: string[] = [];
  for (let off = 0; off < end; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, end));
    let hex = "";
    let ascii = "";
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += " ";
      const b = row[i];
      if (b === undefined) {
        hex += "   ";
      } else {
        hex += `${HEX[b]} `;
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
      }
    }
    lines.push(`${off.toString(16).padStart(8, "0")}  ${hex} ${ascii}`);
  }
  return lines.join("\n");
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function textToBase64(text: string): string {
  return bytesToBase64(textToBytes(text));
}

/** redis-cli style: valid UTF-8 without control characters as is, other bytes as \xHH. */
export function displayBytes(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined && !/[\x00-\x1f\x7f]/.test(text)) return text;
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else out += `\\x${HEX[b]}`;
  }
  return out;
}

/** A stored value for a table cell: its text, or its escaped bytes when it is not text. */
export function cellText(text: string | null, base64: string): { text: string; binary: boolean } {
  if (text !== null && !looksBinary(text)) return { text, binary: false };
  return { text: displayBytes(base64ToBytes(base64)), binary: true };
}
