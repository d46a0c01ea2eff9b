import { type BatchOutcome, badInput, type OperationOf } from "@cachify/core";
import type { Cluster, Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { budgetOf, type RedisContext } from "../context.ts";
import {
  APPLIED,
  clusterBatch,
  clusterMajor,
  failKey,
  outcomeOf,
  type Progress,
  SKIPPED,
  settleKey,
  unresolvedError,
} from "./batch-cluster.ts";
import { empty, runPipeline, tally } from "./batch-outcome.ts";
import { evalScript, noScripts, SCRIPTS, scriptRefused, serverMajor } from "./batch-scripts.ts";
import { sendRouted } from "./cluster-route.ts";

/**
 * expireBatch: a TTL per key (PERSIST for a TTL below 0), set always or only where a condition on
 * the key's current TTL holds. One script per batch on a single server, EXPIRE NX / LT / GT (or a
 * PTTL read first) per key where scripts are refused and on a cluster.
 */

export async function expireBatch(
  ctx: RedisContext,
  op: OperationOf<"expireBatch">,
): Promise<BatchOutcome> {
  const out = empty();
  if (op.keys.length === 0) return out;
  if (op.ttlSeconds.length !== op.keys.length) {
    throw badInput("expireBatch needs one TTL per key.");
  }
  const keys = op.keys.map(buf);
  if (ctx.cluster) return expireCluster(ctx, op, keys);
  const node = ctx.primaries()[0]!;
  if (!noScripts.has(node)) {
    try {
      const n = Number(
        await evalScript(node, SCRIPTS.expire, keys, [op.condition, ...op.ttlSeconds.map(String)]),
      );
      out.applied += n;
      out.skipped += keys.length - n;
      return out;
    } catch (e) {
      if (!scriptRefused(e)) throw e;
      noScripts.add(node);
    }
  }
  await expirePipelined(
    node,
    op,
    keys,
    keys.map((_, i) => i),
    out,
  );
  return out;
}

const EXPIRE_FLAGS = {
  always: undefined,
  "if-persistent": "NX",
  "if-lower": "LT",
  "if-higher": "GT",
} as const;

/** Whether a key whose PTTL is `cur` ms meets the condition for a TTL of `target` ms. */
function ttlConditionHolds(
  condition: OperationOf<"expireBatch">["condition"],
  cur: number,
  target: number,
): boolean {
  return (
    cur !== -2 &&
    ((condition === "if-persistent" && cur === -1) ||
      (condition === "if-lower" && (cur === -1 || target < cur)) ||
      (condition === "if-higher" && cur >= 0 && target > cur))
  );
}

/**
 * Cluster: per-key EXPIRE (PERSIST for a TTL below 0), with NX / LT / GT for the conditions on
 * Redis 7; earlier servers get the key's PTTL read first and EXPIRE only where the condition holds
 * (two round trips, not atomic).
 */
async function expireCluster(
  ctx: RedisContext,
  op: OperationOf<"expireBatch">,
  keys: Buffer[],
): Promise<BatchOutcome> {
  const flag = EXPIRE_FLAGS[op.condition];
  const preRead = flag !== undefined && (await clusterMajor(ctx)) < 7;
  const useFlag = flag !== undefined && !preRead;
  const ttlText = (i: number) => String(op.ttlSeconds[i]!);
  const prepare = preRead
    ? async (p: Progress, todo: number[]): Promise<number[]> => {
        const meets: number[] = [];
        const left = await sendRouted(
          ctx.client as Cluster,
          keys,
          todo,
          {
            parts: 1,
            size: (i) => keys[i]!.length + 32,
            write: (w, i) => w.array(2).text("PTTL").bulk(keys[i]!),
            args: (i) => ["PTTL", keys[i]!],
            done: (i, [r]) => {
              if (ttlConditionHolds(op.condition, Number(r), op.ttlSeconds[i]! * 1000))
                meets.push(i);
              else settleKey(p, i, SKIPPED);
            },
            fail: (i, e) => failKey(p, op.keys, i, e),
          },
          budgetOf(ctx),
        );
        if (left) throw unresolvedError("expireBatch", left, keys.length, outcomeOf(p));
        return meets;
      }
    : undefined;
  return clusterBatch(
    ctx,
    "expireBatch",
    op,
    keys,
    op.keys,
    (p, shown) => ({
      parts: 1,
      size: (i) => keys[i]!.length + 48,
      write: (w, i) => {
        if (op.ttlSeconds[i]! < 0) w.array(2).text("PERSIST").bulk(keys[i]!);
        else if (useFlag) w.array(4).text("EXPIRE").bulk(keys[i]!).text(ttlText(i)).text(flag);
        else w.array(3).text("EXPIRE").bulk(keys[i]!).text(ttlText(i));
      },
      args: (i) =>
        op.ttlSeconds[i]! < 0
          ? ["PERSIST", keys[i]!]
          : useFlag
            ? ["EXPIRE", keys[i]!, ttlText(i), flag]
            : ["EXPIRE", keys[i]!, ttlText(i)],
      done: (i, [r]) => settleKey(p, i, Number(r) === 1 ? APPLIED : SKIPPED),
      fail: (i, e) => failKey(p, shown, i, e),
    }),
    prepare,
  );
}

/**
 * Per-key EXPIRE in a pipeline (a single server whose scripts are refused). Conditions map to
 * EXPIRE NX / LT / GT on Redis 7; earlier servers read PTTL first and send EXPIRE only where the
 * condition holds (two round trips, not atomic).
 */
async function expirePipelined(
  node: Redis,
  op: OperationOf<"expireBatch">,
  keys: Buffer[],
  idx: number[],
  out: BatchOutcome,
): Promise<void> {
  const flag = EXPIRE_FLAGS[op.condition];
  let todo = idx;
  if (flag && (await serverMajor(node)) < 7) {
    const ttls = await runPipeline(node, (p) => {
      for (const i of idx) p.pttl(keys[i]!);
    });
    todo = [];
    ttls.forEach(([err, r], j) => {
      const i = idx[j]!;
      if (!err && ttlConditionHolds(op.condition, Number(r), op.ttlSeconds[i]! * 1000))
        todo.push(i);
      else out.skipped++;
    });
  }
  const useFlag = flag && todo === idx;
  const replies = await runPipeline(node, (p) => {
    for (const i of todo) {
      const ttl = op.ttlSeconds[i]!;
      if (ttl < 0) p.persist(keys[i]!);
      else if (useFlag) p.call("EXPIRE", keys[i]!, ttl, flag);
      else p.expire(keys[i]!, ttl);
    }
  });
  tally(replies, op.keys, todo, (r) => Number(r) === 1, out);
}
