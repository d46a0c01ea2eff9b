import { bytesFromBase64, displayKey } from "@cachify/core/shared";

/**
 * Value bytes for the value panel and the collection cells: text / JSON / hex out. Base64 and
 * the redis-cli style escaping are the core's (`@cachify/core/shared`).
 */

/**
 * The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (binary). A leading BOM is
 * kept (`ignoreBOM`): it is part of the value, and an edit must write it back.
 */
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

/**
 * A cell shows at most this many bytes. The server's text forms are not used: names arrive
 * escaped for display, so whether a value is text is told from its bytes.
 */
const CELL_BASE64 = 5460; // 4,095 bytes: a multiple of 4 characters cuts base64 cleanly
export function cellOf(base64: string): { text: string; binary: boolean } {
  const cut = base64.length > CELL_BASE64;
  const bytes = bytesFromBase64(cut ? base64.slice(0, CELL_BASE64) : base64);
  // A cut may split a UTF-8 character: drop up to 3 trailing bytes before calling it binary.
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    const t = decodeUtf8(bytes.subarray(0, bytes.length - drop));
    if (t !== undefined) {
      return looksBinary(t)
        ? { text: displayKey(bytes), binary: true }
        : { text: t, binary: false };
    }
  }
  return { text: displayKey(bytes), binary: true };
}
