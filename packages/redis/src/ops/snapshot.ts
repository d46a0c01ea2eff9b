import {
  displayKey,
  type KeyDump,
  type KeyRestore,
  type OperationOf,
  type RestoreOutcome,
} from "@cachify/core";
import type { Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { nodeId, type RedisContext } from "../context.ts";
import { dumpValueType } from "../dump-format.ts";
import { sendBuffer } from "../send.ts";
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
  const groups = groupByNode(ctx, op.keys);
  const redirected: number[] = [];
  const fill = (index: number, payload: Buffer | null, pttl: number, where?: string) => {
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
  };
  await Promise.all(
    [...groups].map(async ([node, indexes]) => {
      const where = ctx.cluster ? nodeId(node) : undefined;
      const replies = await dumpReplies(node, op.keys, indexes, ctx.cluster);
      indexes.forEach((index, j) => {
        const payload = replies[2 * j];
        const pttl = replies[2 * j + 1];
        if (payload instanceof Error || pttl instanceof Error) redirected.push(index);
        else fill(index, payload as Buffer | null, Number(pttl ?? -2), where);
      });
    }),
  );
  // Keys whose slot moved (failover, resharding): asked again through the Cluster client, which
  // follows MOVED and ASK and refreshes its slot map, so the next batch routes right. Sent as
  // plain commands: ioredis does not follow redirects of auto-pipelined ones.
  await Promise.all(
    redirected.map(async (index) => {
      const key = buf(op.keys[index]!);
      const [payload, pttl] = await Promise.all([
        sendBuffer(ctx.client, "DUMP", [key]),
        sendBuffer(ctx.client, "PTTL", [key]),
      ]);
      fill(index, payload as Buffer | null, Number(pttl), nodeId(ctx.nodeFor(key)));
    }),
  );
  return out;
}

/** Error replies that mean "ask the node that owns the slot now". */
const REDIRECT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/**
 * DUMP and PTTL replies for the keys at `indexes`, in order. On a Cluster a redirect reply is
 * kept (as the Error) for the caller to ask again; any other error reply throws.
 */
async function dumpReplies(
  node: Redis,
  keys: Uint8Array[],
  indexes: number[],
  cluster: boolean,
): Promise<unknown[]> {
  const keep = (e: Error) => {
    if (cluster && REDIRECT.test(e.message)) return e;
    throw e;
  };
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
      replies[j] = r.ok ? r.value : keep(r.error);
    });
    return replies;
  }
  // Not connected yet (a cluster node): an ioredis pipeline connects, or fails as any would.
  const p = node.pipeline();
  for (const i of indexes) p.dumpBuffer(buf(keys[i]!)).pttl(buf(keys[i]!));
  ((await p.exec()) ?? []).forEach(([err, value], j) => {
    replies[j] = err ? keep(err) : value;
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
  const now = Date.now();
  const items = op.items;
  const out: RestoreOutcome[] = new Array(items.length);
  const send: number[] = [];
  items.forEach((item, i) => {
    if (item.existed && item.absoluteExpiryMs !== null && item.absoluteExpiryMs <= now) {
      out[i] = {
        key: item.key,
        status: "skipped",
        reason: `its TTL ran out at ${new Date(item.absoluteExpiryMs).toISOString()}; restoring it would delete the live key`,
      };
    } else if (item.existed && !item.payload) {
      out[i] = { key: item.key, status: "failed", reason: "the snapshot holds no value" };
    } else send.push(i);
  });
  const done = (i: number): RestoreOutcome => ({
    key: items[i]!.key,
    status: items[i]!.existed ? "restored" : "deleted",
  });
  const failed = (i: number, e: unknown): RestoreOutcome => {
    const message = (e as Error)?.message ?? String(e);
    const reason = /payload version or checksum/i.test(message)
      ? "the server cannot load this snapshot: it was taken from a newer Redis (RDB version) than this server runs"
      : message;
    return {
      key: items[i]!.key,
      status: "failed",
      reason: `${displayKey(items[i]!.key)}: ${reason}`,
    };
  };
  const retry: number[] = [];
  await Promise.all(
    [
      ...groupByNode(
        ctx,
        send.map((i) => items[i]!.key),
      ),
    ].map(async ([node, at]) => {
      const idx = at.map((j) => send[j]!);
      if (!rawAvailable(node)) {
        retry.push(...idx);
        return;
      }
      let size = 0;
      for (const i of idx) size += items[i]!.key.length + (items[i]!.payload?.length ?? 0) + 64;
      const w = new RespWriter(size);
      for (const i of idx) writeRestore(w, items[i]!);
      try {
        await sendRaw(node, w.finish(), idx.length, (j, r) => {
          const i = idx[j]!;
          if (r.ok) out[i] = done(i);
          else if (ctx.cluster && REDIRECT.test(r.error.message)) retry.push(i);
          else out[i] = failed(i, r.error);
        });
      } catch (e) {
        // The connection failed: the keys without an answer are failed, with its reason.
        for (const i of idx) out[i] ??= failed(i, e);
      }
    }),
  );
  // Keys whose slot moved, or on a node not connected yet: one plain command each through the
  // client, which follows redirects (auto-pipelined commands would not).
  await Promise.all(
    retry.map(async (i) => {
      const item = items[i]!;
      try {
        await (item.existed
          ? sendBuffer(ctx.client, "RESTORE", restoreArgs(item))
          : sendBuffer(ctx.client, "UNLINK", [buf(item.key)]));
        out[i] = done(i);
      } catch (e) {
        out[i] = failed(i, e);
      }
    }),
  );
  return out;
}

/** RESTORE key ttl payload REPLACE [ABSTTL] (with the absolute expiry the snapshot recorded). */
function restoreArgs(item: KeyRestore): (string | number | Buffer)[] {
  const args: (string | number | Buffer)[] = [
    buf(item.key),
    item.absoluteExpiryMs ?? 0,
    buf(item.payload!),
    "REPLACE",
  ];
  if (item.absoluteExpiryMs !== null) args.push("ABSTTL");
  return args;
}

/** The same command as raw RESP: UNLINK for a key that did not exist before. */
function writeRestore(w: RespWriter, item: KeyRestore): void {
  if (!item.existed) {
    w.array(2).text("UNLINK").bulk(item.key);
    return;
  }
  const abs = item.absoluteExpiryMs !== null;
  w.array(abs ? 6 : 5)
    .text("RESTORE")
    .bulk(item.key)
    .text(String(item.absoluteExpiryMs ?? 0))
    .bulk(item.payload!)
    .text("REPLACE");
  if (abs) w.text("ABSTTL");
}

/** Indexes of `keys` grouped by the primary that owns each (standalone: the one server). */
function groupByNode(ctx: RedisContext, keys: Uint8Array[]): Map<Redis, number[]> {
  const groups = new Map<Redis, number[]>();
  keys.forEach((k, i) => {
    const node = ctx.cluster ? ctx.nodeFor(buf(k)) : (ctx.client as Redis);
    const g = groups.get(node);
    if (g) g.push(i);
    else groups.set(node, [i]);
  });
  return groups;
}
