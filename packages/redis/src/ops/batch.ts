import { type BatchOutcome, badInput, type OperationOf, type ShardScanPage } from "@cachify/core";
import type { Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { nodeId, type RedisContext } from "../context.ts";
import { checkCursor, scanNode } from "../scan.ts";
import { sendBuffer } from "../send.ts";
import {
  APPLIED,
  clusterBatch,
  clusterMajor,
  failKey,
  SKIPPED,
  settleKey,
} from "./batch-cluster.ts";
import { empty } from "./batch-outcome.ts";
import { serverMajor } from "./batch-scripts.ts";

export { unresolvedError } from "./batch-cluster.ts";
export { expireBatch } from "./batch-expire.ts";
export { inspectBatch } from "./batch-inspect.ts";
export { serverMajor } from "./batch-scripts.ts";
export { setBatch } from "./batch-set.ts";

/**
 * Workflow batches. Standalone and Sentinel: one command per batch where one will do (a multi-key
 * UNLINK, or a script that walks the batch's keys on the server, atomic per batch), so a million
 * keys cost a thousand round trips and little client work. Cluster: the batch is split by the node
 * that owns each key and sent as single-key commands pipelined on that node's connection as raw
 * RESP, never a cross-slot command, following MOVED / ASK and riding out a failover
 * (cluster-route.ts). Warm-up SETs are pipelined as raw RESP everywhere (a script would cost the
 * server 3-4 times as much per key as a pipelined SET).
 *
 * The cluster batches' progress and resending are in batch-cluster.ts; each kind of batch has its
 * own file (batch-expire.ts, batch-set.ts, batch-inspect.ts), re-exported here for the provider.
 */

export function shards(ctx: RedisContext): { shards: string[] } {
  return { shards: ctx.cluster ? ctx.primaries().map(nodeId) : ["main"] };
}

export async function scanShard(
  ctx: RedisContext,
  op: OperationOf<"scanShard">,
): Promise<ShardScanPage> {
  let node: Redis;
  if (ctx.cluster) {
    const found = ctx.primaries().find((n) => nodeId(n) === op.shard);
    if (!found) {
      throw badInput(
        `Cluster node ${op.shard} is no longer a primary (failover or resharding): make a fresh dry-run.`,
      );
    }
    node = found;
  } else node = ctx.primaries()[0]!;
  const cursor = checkCursor(op.cursor);
  const [page, total] = await Promise.all([
    scanNode(node, op, cursor),
    cursor === "0" ? node.dbsize() : undefined,
  ]);
  return {
    keys: page.keys,
    cursor: page.cursor,
    done: page.cursor === "0",
    ...(total !== undefined ? { total } : {}),
  };
}

export async function deleteBatch(
  ctx: RedisContext,
  op: OperationOf<"deleteBatch">,
): Promise<BatchOutcome> {
  const out = empty();
  if (op.keys.length === 0) return out;
  const keys = op.keys.map(buf);
  if (ctx.cluster) {
    // UNLINK frees memory in the background; Redis before 4 has only DEL.
    const name = (await clusterMajor(ctx)) >= 4 ? "UNLINK" : "DEL";
    return clusterBatch(ctx, "deleteBatch", op, keys, op.keys, (p, shown) => ({
      parts: 1,
      size: (i) => keys[i]!.length + 32,
      write: (w, i) => w.array(2).text(name).bulk(keys[i]!),
      args: (i) => [name, keys[i]!],
      done: (i, [r]) => settleKey(p, i, Number(r) > 0 ? APPLIED : SKIPPED),
      fail: (i, e) => failKey(p, shown, i, e),
    }));
  }
  const node = ctx.primaries()[0]!;
  const unlink = (await serverMajor(node)) >= 4;
  const n = Number(await sendBuffer(node, unlink ? "UNLINK" : "DEL", keys));
  out.applied += n;
  out.skipped += keys.length - n;
  return out;
}
