/** A Buffer view of the same bytes (no copy): ioredis sends Buffers byte for byte. */
export const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
