/**
 * One line of `lru_crawler metadump`:
 * `key=user%3A1 exp=1795557206 la=1795557000 cas=1 fetch=no cls=1 size=74`.
 * The key is URL-encoded by the server (every byte outside A-Z a-z 0-9 - . _ ~ as %XX).
 */

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

function isHexByte(c: number | undefined): boolean {
  return (
    c !== undefined &&
    ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
  );
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/** Where a metadump line's encoded key ends (the first space after `key=`, or the line end). */
export function dumpKeyEnd(line: Uint8Array, start: number, end: number): number {
  for (let i = start + 4; i < end; i++) if (line[i] === 0x20) return i;
  return end;
}

/**
 * decodeDumpKey on bytes: decodes the encoded key `line[from, to)` into `out` at `at` (room for
 * `to - from` bytes: decoding never makes a key longer) and returns the decoded length.
 */
export function decodeDumpKeyInto(
  line: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  at: number,
): number {
  let n = at;
  for (let i = from; i < to; i++) {
    const c = line[i]!;
    if (c === 0x25 && i + 2 < to && isHexByte(line[i + 1]) && isHexByte(line[i + 2])) {
      out[n++] = (hexValue(line[i + 1]!) << 4) | hexValue(line[i + 2]!);
      i += 2;
    } else out[n++] = c;
  }
  return n - at;
}
