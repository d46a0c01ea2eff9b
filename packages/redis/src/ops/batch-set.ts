import { type BatchOutcome, displayKey, type OperationOf } from "@cachify/core";
import type { Redis } from "ioredis";
import { buf } from "../bytes.ts";
import type { RedisContext } from "../context.ts";
import { APPLIED, clusterBatch, failKey, SKIPPED, settleKey } from "./batch-cluster.ts";
import { empty, note, runPipeline, tally } from "./batch-outcome.ts";
import { RespWriter, rawAvailable, sendRaw } from "./raw-pipeline.ts";

/**
 * SET per key, pipelined as raw RESP on each node's connection (raw-pipeline.ts): NX for
 * if-absent, XX for if-present, EX for a TTL. On a single server the unconditional keys without a
 * TTL go in one MSET. A key's error reply fails that key alone.
 */
export async function setBatch(
  ctx: RedisContext,
  op: OperationOf<"setBatch">,
): Promise<BatchOutcome> {
  const out = empty();
  if (op.items.length === 0) return out;
  const itemKeys = op.items.map((i) => i.key);
  if (ctx.cluster) return setCluster(ctx, op, itemKeys);
  const node = ctx.primaries()[0]!;
  const idx = itemKeys.map((_, i) => i);
  if (rawAvailable(node)) {
    await setRaw(node, op, idx, true, out);
    return out;
  }
  const replies = await runPipeline(node, (p) => {
    for (const i of idx) p.call("SET", ...setArgs(op, i));
  });
  tally(replies, itemKeys, idx, (r) => r !== null, out);
  return out;
}

function setArgs(op: OperationOf<"setBatch">, i: number): [Buffer, ...(string | Buffer)[]] {
  const item = op.items[i]!;
  const args: [Buffer, ...(string | Buffer)[]] = [buf(item.key), buf(item.value)];
  const ttl = ttlSecondsOf(item);
  if (ttl > 0) args.push("EX", String(ttl));
  if (op.condition === "if-absent") args.push("NX");
  if (op.condition === "if-present") args.push("XX");
  return args;
}

/** Cluster: SET per key, routed, redirects followed (cluster-route.ts). */
function setCluster(
  ctx: RedisContext,
  op: OperationOf<"setBatch">,
  itemKeys: Uint8Array[],
): Promise<BatchOutcome> {
  const items = op.items;
  const flag = op.condition === "if-absent" ? "NX" : op.condition === "if-present" ? "XX" : "";
  const keys = itemKeys.map(buf);
  return clusterBatch(ctx, "setBatch", op, keys, itemKeys, (p, shown) => ({
    parts: 1,
    size: (i) => items[i]!.key.length + items[i]!.value.length + 64,
    write: (w, i) => {
      const item = items[i]!;
      const ttl = ttlSecondsOf(item);
      w.array(3 + (ttl > 0 ? 2 : 0) + (flag ? 1 : 0))
        .text("SET")
        .bulk(item.key)
        .bulk(item.value);
      if (ttl > 0) w.text("EX").text(String(ttl));
      if (flag) w.text(flag);
    },
    args: (i) => ["SET", ...setArgs(op, i)],
    done: (i, [r]) => settleKey(p, i, r !== null ? APPLIED : SKIPPED),
    fail: (i, e) => failKey(p, shown, i, e),
  }));
}

async function setRaw(
  node: Redis,
  op: OperationOf<"setBatch">,
  idx: number[],
  msetAllowed: boolean,
  out: BatchOutcome,
): Promise<void> {
  const items = op.items;
  const flag = op.condition === "if-absent" ? "NX" : op.condition === "if-present" ? "XX" : "";
  let plain: number[] = [];
  let each = idx;
  if (msetAllowed && flag === "") {
    plain = idx.filter((i) => ttlSecondsOf(items[i]!) === 0);
    if (plain.length > 1) each = idx.filter((i) => ttlSecondsOf(items[i]!) > 0);
    else plain = [];
  }
  let size = 0;
  for (const i of idx) size += items[i]!.key.length + items[i]!.value.length + 48;
  const w = new RespWriter(size + 32);
  if (plain.length > 0) {
    w.array(1 + 2 * plain.length).text("MSET");
    for (const i of plain) w.bulk(items[i]!.key).bulk(items[i]!.value);
  }
  let lastTtl = -1;
  let ttlText = "";
  for (const i of each) {
    const item = items[i]!;
    const ttl = ttlSecondsOf(item);
    w.array(3 + (ttl > 0 ? 2 : 0) + (flag ? 1 : 0))
      .text("SET")
      .bulk(item.key)
      .bulk(item.value);
    if (ttl > 0) {
      if (ttl !== lastTtl) {
        lastTtl = ttl;
        ttlText = String(ttl);
      }
      w.text("EX").text(ttlText);
    }
    if (flag) w.text(flag);
  }
  const first = plain.length > 0 ? 1 : 0;
  await sendRaw(node, w.finish(), first + each.length, (j, r) => {
    if (j < first) {
      if (r.ok) out.applied += plain.length;
      else {
        out.failed += plain.length;
        note(out, `MSET of ${plain.length} keys: ${r.error.message}`);
      }
      return;
    }
    const i = each[j - first]!;
    if (!r.ok) {
      out.failed++;
      note(out, `${displayKey(items[i]!.key)}: ${r.error.message}`);
    } else if (r.value !== null) out.applied++;
    else out.skipped++;
  });
}

/** The TTL a warm-up item sets, 0 for none. */
function ttlSecondsOf(item: { ttlSeconds?: number }): number {
  const t = item.ttlSeconds;
  return t !== undefined && t > 0 ? t : 0;
}
