import type { DecodeLimits } from "./layer.ts";
import { CodecPool } from "./pool/worker-pool.ts";

/**
 * The async entry points the studio calls: every decode and encode runs in the shared pool's
 * worker threads, never on the caller's event loop. The pool starts on first use.
 */
let shared: CodecPool | undefined;

function pool(): CodecPool {
  shared ??= new CodecPool();
  return shared;
}

export function decodeLayer(
  name: string,
  bytes: Uint8Array,
  limits: Partial<DecodeLimits> = {},
): Promise<Uint8Array> {
  return pool().decode(name, bytes, limits);
}

export function encodeLayer(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  return pool().encode(name, bytes);
}

/** Ends the shared pool's workers (studio shutdown, tests). */
export async function closeCodecPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
