import {
  displayKey,
  type KeyDump,
  type KeyRestore,
  type OperationOf,
  type RestoreOutcome,
} from "@cachify/core";
import type { Cluster, Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { budgetOf, nodeId, type RedisContext } from "../context.ts";
import { dumpValueType } from "../dump-format.ts";
import { sendBuffer } from "../send.ts";
import { unresolvedError } from "./batch.ts";
import { type KeyCommands, sendRouted } from "./cluster-route.ts";
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
  const keys = op.keys.map(buf);
  if (ctx.cluster) {
    // Each key to the primary that owns it, following MOVED / ASK / a failover (cluster-route.ts).
    let error: Error | undefined;
    const cmds: KeyCommands = {
      parts: 2,
      write: (w, i, part) =>
        w
          .array(2)
          .text(part === 0 ? "DUMP" : "PTTL")
          .bulk(keys[i]!),
      args: (i, part) => [part === 0 ? "DUMP" : "PTTL", keys[i]!],
      size: (i) => 2 * keys[i]!.length + 48,
      done: (i, replies) =>
        fill(i, replies[0] as Buffer | null, Number(replies[1]), nodeId(ctx.nodeFor(keys[i]!))),
      fail: (_i, e) => {
        error ??= e;
      },
    };
    const all = keys.map((_, i) => i);
    const left = await sendRouted(ctx.client as Cluster, keys, all, cmds, budgetOf(ctx));
    if (error) throw error;
    if (left) throw unresolvedError("dump", left, keys.length);
    return out;
  }
  const node = ctx.client as Redis;
  const replies: unknown[] = new Array(keys.length * 2);
  if (rawAvailable(node)) {
    let size = 0;
    for (const k of keys) size += k.length;
    const w = new RespWriter(size * 2 + keys.length * 48);
    for (const k of keys) {
      w.array(2).text("DUMP").bulk(k);
      w.array(2).text("PTTL").bulk(k);
    }
    await sendRaw(node, w.finish(), keys.length * 2, (j, r) => {
      if (!r.ok) throw r.error;
      replies[j] = r.value;
    });
  } else {
    // Not connected yet: an ioredis pipeline connects, or fails as any would.
    const p = node.pipeline();
    for (const k of keys) p.dumpBuffer(k).pttl(k);
    ((await p.exec()) ?? []).forEach(([err, value], j) => {
      if (err) throw err;
      replies[j] = value;
    });
  }
  keys.forEach((_, i) => {
    fill(i, replies[2 * i] as Buffer | null, Number(replies[2 * i + 1] ?? -2));
  });
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
  if (send.length === 0) return out;
  const keys = items.map((item) => buf(item.key));
  if (ctx.cluster) {
    // Each key to the primary that owns it, following MOVED / ASK / a failover (cluster-route.ts).
    const cmds: KeyCommands = {
      parts: 1,
      write: (w, i) => w.command(commandOf(items[i]!)),
      args: (i) => commandOf(items[i]!),
      size: (i) => keys[i]!.length + (items[i]!.payload?.length ?? 0) + 64,
      done: (i) => {
        out[i] = done(i);
      },
      fail: (i, e) => {
        out[i] = failed(i, e);
      },
    };
    const left = await sendRouted(ctx.client as Cluster, keys, send, cmds, budgetOf(ctx));
    for (const i of left?.indexes ?? []) out[i] = failed(i, left!.error);
    return out;
  }
  const node = ctx.client as Redis;
  if (!rawAvailable(node)) {
    // Not connected yet: one command each through the client, which connects first.
    await Promise.all(
      send.map(async (i) => {
        try {
          const [name, ...args] = commandOf(items[i]!);
          await sendBuffer(node, name, args);
          out[i] = done(i);
        } catch (e) {
          out[i] = failed(i, e);
        }
      }),
    );
    return out;
  }
  let size = 0;
  for (const i of send) size += keys[i]!.length + (items[i]!.payload?.length ?? 0) + 64;
  const w = new RespWriter(size);
  for (const i of send) w.command(commandOf(items[i]!));
  try {
    await sendRaw(node, w.finish(), send.length, (j, r) => {
      const i = send[j]!;
      out[i] = r.ok ? done(i) : failed(i, r.error);
    });
  } catch (e) {
    // The connection failed: the keys without an answer are failed, with its reason.
    for (const i of send) out[i] ??= failed(i, e);
  }
  return out;
}

/**
 * RESTORE key ttl payload REPLACE [ABSTTL] (with the absolute expiry the snapshot recorded), or
 * UNLINK for a key that did not exist before.
 */
function commandOf(item: KeyRestore): [string, ...(string | number | Buffer)[]] {
  if (!item.existed) return ["UNLINK", buf(item.key)];
  const args: [string, ...(string | number | Buffer)[]] = [
    "RESTORE",
    buf(item.key),
    item.absoluteExpiryMs ?? 0,
    buf(item.payload!),
    "REPLACE",
  ];
  if (item.absoluteExpiryMs !== null) args.push("ABSTTL");
  return args;
}
