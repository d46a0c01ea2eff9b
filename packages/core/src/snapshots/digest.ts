import type { KeyDump } from "../operations/operation.ts";

/**
 * A short digest of a key's state (payload and flags), to notice that a key changed after our
 * mutation. Not cryptographic: it only has to tell our own after-state from a later change.
 */
export function stateDigest(d: Pick<KeyDump, "existed" | "payload" | "flags">): string {
  if (!d.existed) return "absent";
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const bytes = d.payload ?? new Uint8Array();
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 16777619);
    h2 = Math.imul(h2 ^ bytes[i]!, 2246822519);
  }
  return `${bytes.length.toString(36)}-${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}-${d.flags ?? 0}`;
}
