/**
 * One line of `lru_crawler metadump`:
 * `key=user%3A1 exp=1795557206 la=1795557000 cas=1 fetch=no cls=1 size=74`.
 * The key is URL-encoded by the server (every byte outside A-Z a-z 0-9 - . _ ~ as %XX).
 */

/** The still-encoded key of a metadump line, or undefined when the line has none. */
export function encodedKeyOf(line: string): string | undefined {
  if (!line.startsWith("key=")) return undefined;
  const end = line.indexOf(" ", 4);
  return line.slice(4, end < 0 ? line.length : end);
}

/** Decodes the server's %XX encoding back to the key's bytes (a malformed escape stays as is). */
export function decodeDumpKey(encoded: string): Uint8Array {
  const out = new Uint8Array(encoded.length);
  let n = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25 && isHex(encoded, i + 1) && isHex(encoded, i + 2)) {
      out[n++] = Number.parseInt(encoded.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = c & 0xff;
    }
  }
  return out.slice(0, n);
}

function isHex(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
