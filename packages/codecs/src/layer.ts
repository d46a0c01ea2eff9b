import { DEFAULT_DECODE_LIMITS } from "@cachify/core";

/**
 * The shape of one decoding layer, as issue 17's decoder chain in the core takes it
 * (`Layer` in packages/core/src/decoders/registry.ts: `{ name, reversible, decode(bytes, limits),
 * encode?(bytes), detect?(bytes) }`). Restated here with only the limits a compression reads, so
 * a caller may pass just `{ maxOutputBytes }`; layers/index.ts proves, by its types, that these
 * layers are the core's layers too.
 */
export interface DecodeLimits {
  /** Most bytes one decode may produce; a value that would grow past it stops with a message. */
  maxOutputBytes: number;
  /** Most bytes accepted as input, checked before any work starts. */
  maxInputBytes?: number;
  /** How long one decode may run in its worker before it is ended (pool only). */
  timeoutMs?: number;
}

export interface Layer {
  readonly name: string;
  readonly reversible: boolean;
  decode(bytes: Uint8Array, limits: DecodeLimits): Uint8Array;
  encode?(bytes: Uint8Array): Uint8Array;
  /** A look at the first bytes (a magic number) for auto-detection; absent where none exists. */
  detect?(bytes: Uint8Array): boolean;
}

/**
 * The core's defaults for the byte limits (64 MiB out, 64 MiB in), so a value meets the same caps
 * whichever side decodes it, and five seconds a job in the pool.
 */
export const DEFAULT_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxOutputBytes: DEFAULT_DECODE_LIMITS.maxOutputBytes,
  maxInputBytes: DEFAULT_DECODE_LIMITS.maxInputBytes,
  timeoutMs: 5_000,
});

export function withDefaults(limits: Partial<DecodeLimits> = {}): Required<DecodeLimits> {
  return {
    maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    maxInputBytes: limits.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes,
    timeoutMs: limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
  };
}
