/**
 * A stable fingerprint of an operation, so a confirmation can be bound to exactly the operation it
 * was issued for. Not a security hash (the studio token guards access); it stops a confirmation
 * from being replayed for a different key, value or profile by mistake.
 */
export function fingerprint(profileId: string, op: unknown): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (n: number) => {
    h1 = Math.imul(h1 ^ n, 2654435761);
    h2 = Math.imul(h2 ^ n, 1597334677);
  };
  const feed = (v: unknown): void => {
    if (v instanceof Uint8Array) {
      mix(0xb1);
      mix(v.length);
      for (const b of v) mix(b);
    } else if (Array.isArray(v)) {
      mix(0xa1);
      mix(v.length);
      for (const x of v) feed(x);
    } else if (v !== null && typeof v === "object") {
      mix(0x0b);
      for (const k of Object.keys(v).sort()) {
        feed(k);
        feed((v as Record<string, unknown>)[k]);
      }
    } else {
      const s = `${typeof v}:${String(v)}`;
      mix(s.length);
      for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
    }
  };
  feed(profileId);
  feed(op);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
