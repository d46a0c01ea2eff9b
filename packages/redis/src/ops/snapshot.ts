import { displayKey, type KeyDump, type OperationOf, type RestoreOutcome } from "@cachify/core";
import type { Redis } from "ioredis";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { dumpValueType } from "../dump-format.ts";
import { RespWriter, rawAvailable, sendRaw } from "./raw-pipeline.ts";

/**
 * Pre-images: DUMP (value, type and encoding, no TTL) and PTTL of each key, pipelined per node as
 * raw RESP (raw-pipeline.ts), so a batch of a thousand keys costs one buffer and one round trip
 * per node, never a command across slots. The type comes from the DUMP payload's first byte.
 * DUMP carries no expiry, so the absolute expiry is computed here from PTTL at capture time.
 */
export async function dump(ctx: RedisContext, op: OperationOf<"dump">): Promise<KeyDump[]> {
  const now = Date.now();
  const out: KeyDump[] = new Array(op.keys.length);
  const groups = new Map<Redis, number[]>();
  op.keys.forEach((k, i) => {
    const node = ctx.cluster ? ctx.nodeFor(buf(k)) : (ctx.client as Redis);
    const g = groups.get(node);
    if (g) g.push(i);
    else groups.set(node, [i]);
  });
  await Promise.all(
    [...groups].map(async ([node, indexes]) => {
      const where = ctx.cluster ? `${node.options.host}:${node.options.port}` : undefined;
      const replies = await dumpReplies(node, op.keys, indexes);
      indexes.forEach((index, j) => {
        const payload = replies[2 * j] as Buffer | null;
        const pttl = Number(replies[2 * j + 1] ?? -2);
        const existed = payload !== null;
        const d: KeyDump = {
          key: op.keys[index]!,
          existed,
          type: existed ? dumpValueType(payload) : "none",
          absoluteExpiryMs: existed && pttl >= 0 ? now + pttl : null,
          sizeBytes: payload?.length ?? 0,
        };
        if (payload) d.payload = payload;
        if (where) d.node = where;
        out[index] = d;
      });
    }),
  );
  return out;
}

/** DUMP and PTTL replies for the keys at `indexes`, in order; an error reply throws. */
async function dumpReplies(node: Redis, keys: Uint8Array[], indexes: number[]): Promise<unknown[]> {
  const replies: unknown[] = new Array(indexes.length * 2);
  if (rawAvailable(node)) {
    let size = 0;
    for (const i of indexes) size += keys[i]!.length;
    const w = new RespWriter(size * 2 + indexes.length * 48);
    for (const i of indexes) {
      w.array(2).text("DUMP").bulk(keys[i]!);
      w.array(2).text("PTTL").bulk(keys[i]!);
    }
    await sendRaw(node, w.finish(), indexes.length * 2, (j, r) => {
      if (!r.ok) throw r.error;
      replies[j] = r.value;
    });
    return replies;
  }
  // Not connected yet (a cluster node): an ioredis pipeline connects, or fails as any would.
  const p = node.pipeline();
  for (const i of indexes) p.dumpBuffer(buf(keys[i]!)).pttl(buf(keys[i]!));
  ((await p.exec()) ?? []).forEach(([err, value], j) => {
    if (err) throw err;
    replies[j] = value;
  });
  return replies;
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
