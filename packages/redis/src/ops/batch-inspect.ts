import type { KeyState, OperationOf, ValueType } from "@cachify/core";
import type { Cluster } from "ioredis";
import { buf } from "../bytes.ts";
import { budgetOf, type RedisContext } from "../context.ts";
import { unresolvedError } from "./batch-cluster.ts";
import { runPipeline } from "./batch-outcome.ts";
import { evalScript, noScripts, SCRIPTS, scriptRefused } from "./batch-scripts.ts";
import { sendRouted } from "./cluster-route.ts";

/**
 * inspectBatch: each key's PTTL (and TYPE) for a workflow's dry run and guards. A read: nothing to
 * count, nothing to resume.
 */

const TYPES = new Set(["string", "hash", "list", "set", "zset", "stream", "none"]);

function asType(t: string): ValueType {
  return TYPES.has(t) ? (t as ValueType) : "unknown";
}

export async function inspectBatch(
  ctx: RedisContext,
  op: OperationOf<"inspectBatch">,
): Promise<KeyState[]> {
  const out: KeyState[] = new Array(op.keys.length);
  if (op.keys.length === 0) return out;
  const keys = op.keys.map(buf);
  if (ctx.cluster) return inspectCluster(ctx, op, keys, out);
  const node = ctx.primaries()[0]!;
  if (!noScripts.has(node)) {
    try {
      const r = (await evalScript(node, SCRIPTS.inspect, keys, [op.withType ? "1" : "0"])) as (
        | number
        | Buffer
      )[];
      for (let i = 0; i < keys.length; i++) {
        const state: KeyState = { ttlMs: Number(r[2 * i]) };
        if (op.withType) state.type = asType(String(r[2 * i + 1]));
        out[i] = state;
      }
      return out;
    } catch (e) {
      if (!scriptRefused(e)) throw e;
      noScripts.add(node);
    }
  }
  const replies = await runPipeline(node, (p) => {
    for (const k of keys) {
      p.pttl(k);
      if (op.withType) p.type(k);
    }
  });
  const step = op.withType ? 2 : 1;
  keys.forEach((_, i) => {
    const [err, ttl] = replies[i * step]!;
    if (err) throw err;
    const state: KeyState = { ttlMs: Number(ttl) };
    if (op.withType) state.type = asType(String(replies[i * step + 1]![1]));
    out[i] = state;
  });
  return out;
}

/** Cluster: PTTL (and TYPE) per key, routed; a read, so simply repeated whole when unanswered. */
async function inspectCluster(
  ctx: RedisContext,
  op: OperationOf<"inspectBatch">,
  keys: Buffer[],
  out: KeyState[],
): Promise<KeyState[]> {
  let failure: Error | undefined;
  const left = await sendRouted(
    ctx.client as Cluster,
    keys,
    keys.map((_, i) => i),
    {
      parts: op.withType ? 2 : 1,
      size: (i) => 2 * keys[i]!.length + 48,
      write: (w, i, part) =>
        w
          .array(2)
          .text(part === 0 ? "PTTL" : "TYPE")
          .bulk(keys[i]!),
      args: (i, part) => [part === 0 ? "PTTL" : "TYPE", keys[i]!],
      done: (i, replies) => {
        const state: KeyState = { ttlMs: Number(replies[0]) };
        if (op.withType) state.type = asType(String(replies[1]));
        out[i] = state;
      },
      fail: (_, e) => {
        failure ??= e;
      },
    },
    budgetOf(ctx),
  );
  if (failure) throw failure;
  if (left) throw unresolvedError("inspectBatch", left, keys.length);
  return out;
}
