import { displayKey, type KeyDump, type OperationOf, type RestoreOutcome } from "@cachify/core";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";

const TYPES = new Set(["string", "hash", "list", "set", "zset", "stream"]);

/**
 * Pre-images: DUMP (value, type and encoding, no TTL) and PTTL of each key, sent together so one
 * round trip per node captures a batch. DUMP carries no expiry, so the absolute expiry is computed
 * here from PTTL at capture time.
 */
export async function dump(ctx: RedisContext, op: OperationOf<"dump">): Promise<KeyDump[]> {
  const c = ctx.client;
  const now = Date.now();
  return Promise.all(
    op.keys.map(async (k) => {
      const key = buf(k);
      const [payload, pttl, type] = await Promise.all([
        c.dumpBuffer(key),
        c.pttl(key),
        c.type(key),
      ]);
      const existed = payload !== null;
      const d: KeyDump = {
        key: k,
        existed,
        type: existed && TYPES.has(type) ? (type as KeyDump["type"]) : existed ? "unknown" : "none",
        absoluteExpiryMs: existed && pttl >= 0 ? now + pttl : null,
        sizeBytes: payload?.length ?? 0,
      };
      if (payload) d.payload = payload;
      if (ctx.cluster) d.node = nodeLabel(ctx, key);
      return d;
    }),
  );
}

function nodeLabel(ctx: RedisContext, key: Buffer): string {
  const n = ctx.nodeFor(key);
  return `${n.options.host}:${n.options.port}`;
}

/**
 * Puts pre-images back: RESTORE ... REPLACE (with ABSTTL when the key had an expiry), or UNLINK
 * for a key that did not exist before. A pre-image whose expiry has already passed is skipped:
 * RESTORE ... ABSTTL with a past time deletes the live key and still answers OK.
 */
export async function restore(
  ctx: RedisContext,
  op: OperationOf<"restore">,
): Promise<RestoreOutcome[]> {
  const c = ctx.client;
  return Promise.all(
    op.items.map(async (item): Promise<RestoreOutcome> => {
      const key = buf(item.key);
      try {
        if (!item.existed) {
          await c.unlink(key);
          return { key: item.key, status: "deleted" };
        }
        if (item.absoluteExpiryMs !== null && item.absoluteExpiryMs <= Date.now()) {
          return {
            key: item.key,
            status: "skipped",
            reason: `its TTL ran out at ${new Date(item.absoluteExpiryMs).toISOString()}; restoring it would delete the live key`,
          };
        }
        if (!item.payload)
          return { key: item.key, status: "failed", reason: "the snapshot holds no value" };
        const args: (string | number | Buffer)[] = [
          key,
          item.absoluteExpiryMs ?? 0,
          buf(item.payload),
          "REPLACE",
        ];
        if (item.absoluteExpiryMs !== null) args.push("ABSTTL");
        await (c as unknown as { restore(...a: unknown[]): Promise<unknown> }).restore(...args);
        return { key: item.key, status: "restored" };
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        const reason = /payload version or checksum/i.test(message)
          ? "the server cannot load this snapshot: it was taken from a newer Redis (RDB version) than this server runs"
          : message;
        return { key: item.key, status: "failed", reason: `${displayKey(item.key)}: ${reason}` };
      }
    }),
  );
}
