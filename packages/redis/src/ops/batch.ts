import { createHash } from "node:crypto";
import {
  type BatchOutcome,
  badInput,
  displayKey,
  type KeyState,
  type OperationOf,
  type ShardScanPage,
  type ValueType,
} from "@cachify/core";
import type { ChainableCommander, Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { nodeId, type RedisContext } from "../context.ts";
import { checkCursor, scanNode } from "../scan.ts";
import { sendBuffer } from "../send.ts";
import { RespWriter, rawAvailable, sendRaw } from "./raw-pipeline.ts";

/**
 * Workflow batches. Standalone and Sentinel: one command per batch where one will do (a multi-key
 * UNLINK, or a script that walks the batch's keys on the server, atomic per batch), so a million
 * keys cost a thousand round trips and little client work. Cluster: the batch is split by the node
 * that owns each key and sent as single-key commands pipelined on that node's connection, never a
 * cross-slot command. Warm-up SETs are pipelined as raw RESP everywhere (a script would cost the
 * server 3-4 times as much per key as a pipelined SET).
 */

const TYPES = new Set(["string", "hash", "list", "set", "zset", "stream", "none"]);
const MAX_ERRORS = 5;

/** KEYS: the batch. ARGV[1]: condition; ARGV[i+1]: key i's TTL in seconds (-1: PERSIST). */
const EXPIRE_SCRIPT = `
local cond = ARGV[1]
local applied = 0
for i, k in ipairs(KEYS) do
  local ttl = tonumber(ARGV[i + 1])
  local ok = 0
  if ttl < 0 then
    ok = redis.call('PERSIST', k)
  elseif cond == 'always' then
    ok = redis.call('EXPIRE', k, ttl)
  else
    local cur = redis.call('PTTL', k)
    if cur ~= -2 and ((cond == 'if-persistent' and cur == -1)
      or (cond == 'if-lower' and (cur == -1 or ttl * 1000 < cur))
      or (cond == 'if-higher' and cur >= 0 and ttl * 1000 > cur)) then
      ok = redis.call('EXPIRE', k, ttl)
    end
  end
  applied = applied + ok
end
return applied`;

/** KEYS: the batch. ARGV[1]: '1' to read types too. Returns PTTL (and TYPE) per key. */
const INSPECT_SCRIPT = `
local out = {}
local withType = ARGV[1] == '1'
for i, k in ipairs(KEYS) do
  out[2 * i - 1] = redis.call('PTTL', k)
  if withType then out[2 * i] = redis.call('TYPE', k)['ok'] else out[2 * i] = '' end
end
return out`;

const sha = (s: string) => createHash("sha1").update(s).digest("hex");
const SCRIPTS = {
  expire: { body: EXPIRE_SCRIPT, sha: sha(EXPIRE_SCRIPT) },
  inspect: { body: INSPECT_SCRIPT, sha: sha(INSPECT_SCRIPT) },
};
type Script = (typeof SCRIPTS)[keyof typeof SCRIPTS];

/** Server versions (major) per connection, read once. */
const versions = new WeakMap<object, Promise<number>>();
/** Connections on which scripts are refused (ACL, disabled): use pipelines there. */
const noScripts = new WeakSet<object>();

export function serverMajor(node: Redis): Promise<number> {
  let v = versions.get(node);
  if (!v) {
    v = node.info("server").then((info) => {
      const m = /redis_version:(\d+)/.exec(info);
      return m ? Number(m[1]) : 7;
    });
    v.catch(() => versions.delete(node));
    versions.set(node, v);
  }
  return v;
}

/** Runs a script, loading it on NOSCRIPT. */
async function evalScript(node: Redis, script: Script, keys: Buffer[], args: (string | Buffer)[]) {
  try {
    return await sendBuffer(node, "EVALSHA", [script.sha, keys.length, ...keys, ...args]);
  } catch (e) {
    if (!/NOSCRIPT/.test((e as Error).message)) throw e;
    return sendBuffer(node, "EVAL", [script.body, keys.length, ...keys, ...args]);
  }
}

/** Scripts can be off for a user (ACL without @scripting) or a managed service: fall back. */
function scriptRefused(e: unknown): boolean {
  const m = (e as Error)?.message ?? "";
  return /NOPERM|unknown command|disabled/i.test(m);
}

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

/** Groups keys (with their index in the batch) by the primary that owns them. */
function byNode(ctx: RedisContext, keys: Uint8Array[]): Map<Redis, number[]> {
  const groups = new Map<Redis, number[]>();
  if (!ctx.cluster) {
    groups.set(
      ctx.primaries()[0]!,
      keys.map((_, i) => i),
    );
    return groups;
  }
  keys.forEach((k, i) => {
    const node = ctx.nodeFor(buf(k));
    let g = groups.get(node);
    if (!g) {
      g = [];
      groups.set(node, g);
    }
    g.push(i);
  });
  return groups;
}

/** Runs a pipeline on one node; per-command errors are counted, a lost connection throws. */
async function runPipeline(
  node: Redis,
  build: (p: ChainableCommander) => void,
): Promise<[Error | null, unknown][]> {
  const p = node.pipeline();
  build(p);
  return ((await p.exec()) ?? []) as [Error | null, unknown][];
}

function tally(
  replies: [Error | null, unknown][],
  keys: Uint8Array[],
  indexes: number[],
  applied: (r: unknown) => boolean,
  out: BatchOutcome,
): void {
  replies.forEach(([err, r], j) => {
    if (err) {
      out.failed++;
      out.errors ??= [];
      if (out.errors.length < MAX_ERRORS)
        out.errors.push(`${displayKey(keys[indexes[j]!]!)}: ${err.message}`);
    } else if (applied(r)) out.applied++;
    else out.skipped++;
  });
}

const empty = (): BatchOutcome => ({ applied: 0, skipped: 0, failed: 0 });

export async function deleteBatch(
  ctx: RedisContext,
  op: OperationOf<"deleteBatch">,
): Promise<BatchOutcome> {
  const out = empty();
  if (op.keys.length === 0) return out;
  const keys = op.keys.map(buf);
  await Promise.all(
    [...byNode(ctx, op.keys)].map(async ([node, idx]) => {
      // UNLINK frees memory in the background; Redis before 4 has only DEL.
      const unlink = (await serverMajor(node)) >= 4;
      if (!ctx.cluster) {
        const n = Number(await sendBuffer(node, unlink ? "UNLINK" : "DEL", keys));
        out.applied += n;
        out.skipped += keys.length - n;
        return;
      }
      const replies = await runPipeline(node, (p) => {
        for (const i of idx) unlink ? p.unlink(keys[i]!) : p.del(keys[i]!);
      });
      tally(replies, op.keys, idx, (r) => Number(r) > 0, out);
    }),
  );
  return out;
}

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
  await Promise.all(
    [...byNode(ctx, op.keys)].map(async ([node, idx]) => {
      if (!ctx.cluster && !noScripts.has(node)) {
        try {
          const n = Number(
            await evalScript(node, SCRIPTS.expire, keys, [
              op.condition,
              ...op.ttlSeconds.map(String),
            ]),
          );
          out.applied += n;
          out.skipped += keys.length - n;
          return;
        } catch (e) {
          if (!scriptRefused(e)) throw e;
          noScripts.add(node);
        }
      }
      await expirePipelined(node, op, keys, idx, out);
    }),
  );
  return out;
}

/**
 * Per-key EXPIRE in a pipeline. Conditions map to EXPIRE NX / LT / GT on Redis 7; earlier servers
 * read PTTL first and send EXPIRE only where the condition holds (two round trips, not atomic).
 */
async function expirePipelined(
  node: Redis,
  op: OperationOf<"expireBatch">,
  keys: Buffer[],
  idx: number[],
  out: BatchOutcome,
): Promise<void> {
  const flag = { always: undefined, "if-persistent": "NX", "if-lower": "LT", "if-higher": "GT" }[
    op.condition
  ];
  let todo = idx;
  if (flag && (await serverMajor(node)) < 7) {
    const ttls = await runPipeline(node, (p) => {
      for (const i of idx) p.pttl(keys[i]!);
    });
    todo = [];
    ttls.forEach(([err, r], j) => {
      const i = idx[j]!;
      const cur = Number(r);
      const target = op.ttlSeconds[i]! * 1000;
      const ok =
        !err &&
        cur !== -2 &&
        ((op.condition === "if-persistent" && cur === -1) ||
          (op.condition === "if-lower" && (cur === -1 || target < cur)) ||
          (op.condition === "if-higher" && cur >= 0 && target > cur));
      if (ok) todo.push(i);
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
  await Promise.all(
    [...byNode(ctx, itemKeys)].map(async ([node, idx]) => {
      if (rawAvailable(node)) return setRaw(node, op, idx, !ctx.cluster, out);
      // Not connected yet (a cluster node): an ioredis pipeline connects, or fails as any would.
      const replies = await runPipeline(node, (p) => {
        for (const i of idx) {
          const item = op.items[i]!;
          const args: (string | number | Buffer)[] = [buf(item.key), buf(item.value)];
          if (item.ttlSeconds !== undefined && item.ttlSeconds > 0)
            args.push("EX", item.ttlSeconds);
          if (op.condition === "if-absent") args.push("NX");
          if (op.condition === "if-present") args.push("XX");
          p.call("SET", ...args);
        }
      });
      tally(replies, itemKeys, idx, (r) => r !== null, out);
    }),
  );
  return out;
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

function note(out: BatchOutcome, message: string): void {
  out.errors ??= [];
  if (out.errors.length < MAX_ERRORS) out.errors.push(message);
}

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
  await Promise.all(
    [...byNode(ctx, op.keys)].map(async ([node, idx]) => {
      if (!ctx.cluster && !noScripts.has(node)) {
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
          return;
        } catch (e) {
          if (!scriptRefused(e)) throw e;
          noScripts.add(node);
        }
      }
      const replies = await runPipeline(node, (p) => {
        for (const i of idx) {
          p.pttl(keys[i]!);
          if (op.withType) p.type(keys[i]!);
        }
      });
      const step = op.withType ? 2 : 1;
      idx.forEach((i, j) => {
        const [err, ttl] = replies[j * step]!;
        if (err) throw err;
        const state: KeyState = { ttlMs: Number(ttl) };
        if (op.withType) state.type = asType(String(replies[j * step + 1]![1]));
        out[i] = state;
      });
    }),
  );
  return out;
}
