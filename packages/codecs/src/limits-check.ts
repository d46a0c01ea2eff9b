import { copyBytes } from "./byte-writer.ts";
import { inputCapError, outputCapError } from "./errors.ts";
import type { DecodeLimits } from "./layer.ts";

/** Refuses an input over its limit before any decoding work or allocation happens. */
export function checkInput(layer: string, bytes: Uint8Array, limits: DecodeLimits): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${layer}: input must be bytes`);
  const max = limits.maxInputBytes;
  if (max !== undefined && bytes.length > max) throw inputCapError(layer, bytes.length, max);
  if (!Number.isSafeInteger(limits.maxOutputBytes) || limits.maxOutputBytes < 0)
    throw new RangeError(`${layer}: maxOutputBytes must be a non-negative integer`);
}

/**
 * Collects decoded output and stops the moment it would pass the cap, so a bomb never makes us
 * hold more than the cap plus one chunk. Decoders that know a size up front call `reserve` to
 * refuse before allocating at all.
 */
export class BoundedOutput {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(
    private readonly layer: string,
    private readonly cap: number,
  ) {}

  get length(): number {
    return this.size;
  }

  reserve(total: number): void {
    if (total > this.cap) throw outputCapError(this.layer, this.cap);
  }

  push(chunk: Uint8Array): void {
    if (this.size + chunk.length > this.cap) throw outputCapError(this.layer, this.cap);
    // Decoders may reuse their buffers between calls, so keep a copy.
    this.chunks.push(copyBytes(chunk));
    this.size += chunk.length;
  }

  result(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
