/**
 * Cheap looks at the first bytes that say which formats are worth trying. A hit is only a
 * candidate: the chain still decodes it fully before believing it.
 */
const head = (bytes: Uint8Array, n = 64) => String.fromCharCode(...bytes.subarray(0, n));

export function looksLikeJava(bytes: Uint8Array): boolean {
  return bytes[0] === 0xac && bytes[1] === 0xed && bytes[2] === 0x00 && bytes[3] === 0x05;
}

export function looksLikePickle(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x80) return (bytes[1] ?? 99) <= 5;
  // Protocols 0 and 1 have no header; they start with a value opcode and end with STOP.
  return bytes[bytes.length - 1] === 0x2e && /^[(\]})NIFSVKJLUXcd]/.test(head(bytes, 1));
}

export function looksLikePhp(bytes: Uint8Array): boolean {
  return /^(N;|b:[01];|i:-?\d+;|d:[-\dEINAF.+]+;|[sCE]:\d+:"|a:\d+:\{|O:\d+:")/.test(head(bytes));
}

export function looksLikeJson(bytes: Uint8Array): boolean {
  return /^[\s]*([{["\-0-9]|true|false|null)/.test(head(bytes));
}

/** Only containers: a lone msgpack scalar is one byte of almost anything. */
export function looksLikeMsgpack(bytes: Uint8Array): boolean {
  const t = bytes[0];
  return t !== undefined && ((t >= 0x80 && t <= 0x9f) || (t >= 0xdc && t <= 0xdf));
}
