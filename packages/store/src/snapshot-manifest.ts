import type { SnapshotBatch, ValueType } from "@cachify/core";

/**
 * The clear part of a snapshot batch: per key its bytes, type, expiry, size, flags, node, known
 * after-state and the length of its payload in the batch's sealed blob. Binary and packed so a
 * thousand keys cost one buffer, and so a search for a key is a byte search over the blob
 * (Buffer.indexOf) before anything is decoded.
 *
 * Layout: version byte (1), then per entry: u32 key length, key, u8 flags bits (1 existed,
 * 2 has flags, 4 has expiry, 8 has payload), u8 type, f64 expiry, f64 size, f64 payload length,
 * f64 memcached flags, u16 + utf8 node, u16 + ascii after-digest.
 */

const VERSION = 1;
const TYPES: ValueType[] = ["string", "hash", "list", "set", "zset", "stream", "none", "unknown"];
const TYPE_CODE = new Map(TYPES.map((t, i) => [t, i]));
const FIXED = 4 + 1 + 1 + 8 * 4 + 2 + 2;

export type ManifestEntry = SnapshotBatch["entries"][number];

/** A decoded entry: what the batch saved for one key, and where its bytes sit in the payload. */
export interface ManifestItem {
  key: Uint8Array;
  existed: boolean;
  type: ValueType;
  absoluteExpiryMs: number | null;
  sizeBytes: number;
  /** Offset and length in the opened payload blob; undefined when no payload was saved. */
  payload?: { at: number; length: number };
  flags?: number;
  node?: string;
  afterDigest?: string;
}

export function encodeManifest(entries: ManifestEntry[]): Buffer {
  let size = 1;
  for (const e of entries) {
    size += FIXED + e.key.length;
    if (e.node) size += Buffer.byteLength(e.node);
    if (e.afterDigest) size += e.afterDigest.length;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  let at = 1;
  for (const e of entries) {
    out.writeUInt32LE(e.key.length, at);
    at += 4;
    out.set(e.key, at);
    at += e.key.length;
    const bits =
      (e.existed ? 1 : 0) |
      (e.flags !== undefined ? 2 : 0) |
      (e.absoluteExpiryMs !== null ? 4 : 0) |
      (e.payload ? 8 : 0);
    out[at++] = bits;
    out[at++] = TYPE_CODE.get(e.type) ?? TYPES.length - 1;
    out.writeDoubleLE(e.absoluteExpiryMs ?? 0, at);
    out.writeDoubleLE(e.sizeBytes, at + 8);
    out.writeDoubleLE(e.payload?.length ?? 0, at + 16);
    out.writeDoubleLE(e.flags ?? 0, at + 24);
    at += 32;
    at = writeText(out, at, e.node ?? "", "utf8");
    at = writeText(out, at, e.afterDigest ?? "", "latin1");
  }
  return out.subarray(0, at);
}

function writeText(out: Buffer, at: number, text: string, encoding: BufferEncoding): number {
  const n = text ? out.write(text, at + 2, encoding) : 0;
  out.writeUInt16LE(n, at);
  return at + 2 + n;
}

/** Decodes a manifest; `want` (entry indexes) limits the objects built to the ones asked for. */
export function decodeManifest(
  blob: Buffer,
  want?: ReadonlySet<number>,
): Map<number, ManifestItem> {
  if (blob[0] !== VERSION) {
    throw new Error(`snapshot manifest version ${blob[0]} is not known to this version`);
  }
  const out = new Map<number, ManifestItem>();
  let at = 1;
  let payloadAt = 0;
  for (let i = 0; at < blob.length; i++) {
    const keyLen = blob.readUInt32LE(at);
    const keyAt = at + 4;
    at = keyAt + keyLen;
    const bits = blob[at]!;
    const type = TYPES[blob[at + 1]!] ?? "unknown";
    const fields = at + 2;
    const payloadLen = blob.readDoubleLE(fields + 16);
    at = fields + 32;
    const nodeLen = blob.readUInt16LE(at);
    const nodeAt = at + 2;
    at = nodeAt + nodeLen;
    const digestLen = blob.readUInt16LE(at);
    const digestAt = at + 2;
    at = digestAt + digestLen;
    if (!want || want.has(i)) {
      const item: ManifestItem = {
        key: new Uint8Array(blob.subarray(keyAt, keyAt + keyLen)),
        existed: (bits & 1) !== 0,
        type,
        absoluteExpiryMs: bits & 4 ? blob.readDoubleLE(fields) : null,
        sizeBytes: blob.readDoubleLE(fields + 8),
      };
      if (bits & 8) item.payload = { at: payloadAt, length: payloadLen };
      if (bits & 2) item.flags = blob.readDoubleLE(fields + 24);
      if (nodeLen > 0) item.node = blob.toString("utf8", nodeAt, nodeAt + nodeLen);
      if (digestLen > 0) item.afterDigest = blob.toString("latin1", digestAt, digestAt + digestLen);
      out.set(i, item);
    }
    if (bits & 8) payloadAt += payloadLen;
  }
  return out;
}
