import { displayKey, type KeyDump, type OperationOf, type RestoreOutcome } from "@cachify/core";
import type { Redis } from "ioredis";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";

const TYPES = new Set(["string", "hash", "list", "set", "zset", "stream"]);

/**
 * Pre-images: DUMP (value, type and encoding, no TTL) and PTTL of each key, sent together so one
 * round trip per node captures a batch. DUMP carries no expiry, so the absolute expiry is computed
 * here from PTTL at capture time.
 */
export async function dump(ctx: RedisContext, op: OperationOf<"dump">): Promise<KeyDump[]> {
  const now = Date.now();
  const out: KeyDump[] = new Array(op.keys.length);
  // One pipeline per node (standalone: the one server): a batch of keys costs one round trip
  // per node, never a command across slots.
  const groups = new Map<Redis, number[]>();
  op.keys.forEach((k, i) => {
    const node = ctx.cluster ? ctx.nodeFor(buf(k)) : (ctx.client as Redis);
    const g = groups.get(node);
    if (g) g.push(i);
    else groups.set(node, [i]);
  });
  await Promise.all(
    [...groups].map(async ([node, indexes]) => {
      const p = node.pipeline();
      for (const i of indexes) {
        const key = buf(op.keys[i]!);
        p.dumpBuffer(key).pttl(key).type(key);
      }
      const replies = (await p.exec()) ?? [];
      indexes.forEach((index, j) => {
        const [payloadReply, pttlReply, typeReply] = [
          replies[3 * j],
          replies[3 * j + 1],
          replies[3 * j + 2],
        ];
        for (const r of [payloadReply, pttlReply, typeReply]) if (r?.[0]) throw r[0];
        const payload = (payloadReply?.[1] ?? null) as Buffer | null;
        const pttl = Number(pttlReply?.[1] ?? -2);
        const type = String(typeReply?.[1] ?? "none");
        const existed = payload !== null;
        const d: KeyDump = {
          key: op.keys[index]!,
          existed,
          type:
            existed && TYPES.has(type) ? (type as KeyDump["type"]) : existed ? "unknown" : "none",
          absoluteExpiryMs: existed && pttl >= 0 ? now + pttl : null,
          sizeBytes: payload?.length ?? 0,
        };
        if (payload) d.payload = payload;
        if (ctx.cluster) d.node = `${node.options.host}:${node.options.port}`;
        out[index] = d;
      });
    }),
  );
  return out;
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
