/**
 * Auto-detection by magic bytes, for the formats that have them. Brotli, raw deflate, raw snappy
 * and the size-prefixed LZ4 block carry no signature: those are reached by an explicit "view as"
 * or by a client's flags, never guessed, because a guess on arbitrary bytes would be wrong often.
 */
const starts = (b: Uint8Array, sig: readonly number[]) =>
  b.length >= sig.length && sig.every((v, i) => b[i] === v);

const SIGNATURES: readonly [string, readonly number[]][] = [
  ["gzip", [0x1f, 0x8b, 0x08]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
  ["snappy-framed", [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]],
];

/** A zlib header: method 8 (deflate), window at most 32 KiB, no preset dictionary, check bits. */
function isZlibHeader(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  const cmf = b[0]!;
  const flg = b[1]!;
  return (cmf & 0x0f) === 8 && cmf >>> 4 <= 7 && (flg & 0x20) === 0 && (cmf * 256 + flg) % 31 === 0;
}

/** Whether `bytes` start with the signature of the named layer (the layers' `detect`). */
export function hasSignature(layer: string, bytes: Uint8Array): boolean {
  if (layer === "zlib") return isZlibHeader(bytes);
  const sig = SIGNATURES.find(([name]) => name === layer)?.[1];
  return sig !== undefined && starts(bytes, sig);
}

/** The compression layer these bytes start with, or undefined when none is recognised. */
export function detectCompression(bytes: Uint8Array): string | undefined {
  for (const [name, sig] of SIGNATURES) if (starts(bytes, sig)) return name;
  if (isZlibHeader(bytes)) return "zlib";
  return undefined;
}
