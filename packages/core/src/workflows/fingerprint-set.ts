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

/** A grown set is at most this full; a reserved one starts at about RESERVE_LOAD at its size. */
const MAX_LOAD = 0.92;
const RESERVE_LOAD = 0.88;

/**
 * A set of 64-bit key fingerprints in one typed array (open addressing, linear probing, both
 * halves of a fingerprint side by side so a probe touches one cache line): 8 bytes per slot. The
 * table is sized to the count, not to a power of two: a listing that knows its size (`reserve`,
 * from DBSIZE) gets about n / 0.88 slots, so ten million keys take about 95 MB, with no key kept.
 * Two different keys share a fingerprint with odds of about n²/2⁶⁵ (below one in 300,000 for ten
 * million keys); the plan would then leave the second key out, never add one.
 */
export class FingerprintSet {
  private slots: Uint32Array;
  private cap: number;
  /** The set grows when it would hold more than this. */
  private limit: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.cap = Math.max(16, Math.ceil(initialCapacity));
    this.slots = new Uint32Array(this.cap * 2);
    this.limit = Math.floor(this.cap * MAX_LOAD);
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
    if (this.size >= this.limit) this.grow(this.cap * 2);
    return this.insert(a, b);
  }

  private insert(a: number, b: number): boolean {
    const slots = this.slots;
    const cap = this.cap;
    // The slot from the high bits of a mixed 32-bit word (any table size, no modulo).
    let i = Math.floor((((a ^ Math.imul(b, 0x9e3779b1)) >>> 0) * cap) / 0x1_0000_0000);
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
      if (++i === cap) i = 0;
    }
  }

  /**
   * Makes room for `n` fingerprints in one step (a listing that knows its size), so a set of
   * millions is not copied while it grows (the old and the new table would both be held).
   */
  reserve(n: number): void {
    if (n <= this.limit) return;
    this.grow(Math.ceil(n / RESERVE_LOAD));
  }

  private grow(to: number): void {
    const old = this.slots;
    this.cap = to;
    this.slots = new Uint32Array(to * 2);
    this.limit = Math.floor(to * MAX_LOAD);
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
