/**
 * Two independent 32-bit hashes of a key's bytes (a 64-bit fingerprint). Not cryptographic: used
 * to de-duplicate a listing (SCAN may return a key twice) without holding the keys themselves.
 */
export function keyHash64(key: Uint8Array): [number, number] {
  let h1 = 0x811c9dc5 ^ key.length;
  let h2 = 0x9e3779b9 ^ Math.imul(key.length, 0x85ebca6b);
  for (let i = 0; i < key.length; i++) {
    const b = key[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x27d4eb2f);
  h2 ^= h2 >>> 15;
  return [h1 >>> 0, h2 >>> 0];
}

export function keyHash32(key: Uint8Array): number {
  return keyHash64(key)[0];
}

/**
 * A set of 64-bit key fingerprints in one typed array (open addressing, linear probing, both
 * halves of a fingerprint side by side so a probe touches one cache line): 8 bytes per slot, at
 * most 70% full, so a million keys take about 16 MB and ten million about 134-268 MB, with no key
 * kept. Two different keys share a fingerprint with odds of about n²/2⁶⁵ (below one in 300,000
 * for ten million keys); the plan would then leave the second key out, never add one.
 */
export class FingerprintSet {
  private slots: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** Adds the key's fingerprint; false when it was already there. */
  add(key: Uint8Array): boolean {
    // keyHash64, inlined: no pair allocated per key.
    let h1 = 0x811c9dc5 ^ key.length;
    let h2 = 0x9e3779b9 ^ Math.imul(key.length, 0x85ebca6b);
    for (let i = 0; i < key.length; i++) {
      const b = key[i]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ b, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h1 = Math.imul(h1, 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    h2 ^= h2 >>> 16;
    h2 = Math.imul(h2, 0x27d4eb2f);
    h2 ^= h2 >>> 15;
    const a = h1 >>> 0;
    let b = h2 >>> 0;
    if (a === 0 && b === 0) b = 1; // 0,0 marks an empty slot
    if ((this.size + 1) * 10 > (this.mask + 1) * 7) this.grow();
    return this.insert(a, b);
  }

  private insert(a: number, b: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const j = i << 1;
      const h = slots[j]!;
      const l = slots[j + 1]!;
      if (h === 0 && l === 0) {
        slots[j] = a;
        slots[j + 1] = b;
        this.size++;
        return true;
      }
      if (h === a && l === b) return false;
      i = (i + 1) & mask;
    }
  }

  /**
   * Makes room for `n` fingerprints in one step (a listing that knows its size), so a set of
   * millions is not copied while it grows (the old and the new table would both be held).
   */
  reserve(n: number): void {
    let cap = this.mask + 1;
    while (n * 10 > cap * 7) cap *= 2;
    if (cap > this.mask + 1) this.grow(cap);
  }

  private grow(to?: number): void {
    const old = this.slots;
    // Quadruple while small (fewer rehashes on the way to millions), double once large.
    const cap = to ?? (this.mask + 1) * (this.mask < 1 << 22 ? 4 : 2);
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.size = 0;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j] !== 0 || old[j + 1] !== 0) this.insert(old[j]!, old[j + 1]!);
    }
  }

  /** Bytes held by the set (for memory reports). */
  get bytes(): number {
    return this.slots.byteLength;
  }
}
