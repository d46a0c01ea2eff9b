import { createHash } from "node:crypto";
import {
  type BatchOutcome,
  badInput,
  CachifyError,
  displayKey,
  type KeyState,
  type OperationOf,
  type ShardScanPage,
  type ValueType,
} from "@cachify/core";
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { buf } from "../bytes.ts";
import { budgetOf, nodeId, type RedisContext } from "../context.ts";
import { mapRedisError } from "../errors.ts";
import { checkCursor, scanNode } from "../scan.ts";
import { sendBuffer } from "../send.ts";
import { type KeyCommands, sendRouted, type Unresolved } from "./cluster-route.ts";
import { RespWriter, rawAvailable, sendRaw } from "./raw-pipeline.ts";

/**
 * Workflow batches. Standalone and Sentinel: one command per batch where one will do (a multi-key
 * UNLINK, or a script that walks the batch's keys on the server, atomic per batch), so a million
 * keys cost a thousand round trips and little client work. Cluster: the batch is split by the node
 * that owns each key and sent as single-key commands pipelined on that node's connection as raw
 * RESP, never a cross-slot command, following MOVED / ASK and riding out a failover
 * (cluster-route.ts). Warm-up SETs are pipelined as raw RESP everywhere (a script would cost the
 * server 3-4 times as much per key as a pipelined SET).
 *
 * Resending on a cluster. A key is sent again only when its reply was a redirect or a retryable
 * refusal (MOVED, ASK, TRYAGAIN, CLUSTERDOWN, ...: nothing happened), or when its node's
 * connection dropped before its reply (it may or may not have run). The commands make a resend
 * safe: UNLINK/DEL and EXPIRE/PERSIST leave the same end state however often they run; SET
 * writes the same value and TTL again (the TTL restarts a few ms later). The price of a resend
 * after a lost reply is in the counts only: a key the first send already deleted, or set with
 * NX, answers "nothing to do" the second time and is counted skipped, not applied (still once).
 *
 * Keys with no final answer when the step's time is up are not counted failed at once: the batch
 * throws a retryable error carrying what is already final (details.partial), and the same
 * operation run again (the workflow's retry of the batch) sends only those keys, counting each
 * key once across the attempts.
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

/** A key's outcome in a cluster batch (index into Progress.state). */
const PENDING = 0;
const APPLIED = 1;
const SKIPPED = 2;
const FAILED = 3;

interface Progress {
  state: Uint8Array;
  errors: string[];
}

/**
 * Cluster batches whose last attempt ended with keys unanswered, by operation object: a retry of
 * the batch hands in the same object and resumes with those keys only. Dropped once a run ends
 * with every key final, so running an operation again after that starts afresh.
 */
const unfinished = new WeakMap<object, Progress>();

function progressOf(op: object, n: number): Progress {
  const p = unfinished.get(op);
  if (p && p.state.length === n) return p;
  return { state: new Uint8Array(n), errors: [] };
}

function pendingOf(p: Progress): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.state.length; i++) if (p.state[i] === PENDING) out.push(i);
  return out;
}

/** Records key i's final outcome once (a late reply of an abandoned attempt changes nothing). */
function settleKey(p: Progress, i: number, outcome: number): void {
  if (p.state[i] === PENDING) p.state[i] = outcome;
}

function failKey(p: Progress, keys: Uint8Array[], i: number, e: Error): void {
  if (p.state[i] !== PENDING) return;
  p.state[i] = FAILED;
  if (p.errors.length < MAX_ERRORS) p.errors.push(`${displayKey(keys[i]!)}: ${e.message}`);
}

function outcomeOf(p: Progress): BatchOutcome {
  const out = empty();
  for (const s of p.state) {
    if (s === APPLIED) out.applied++;
    else if (s === SKIPPED) out.skipped++;
    else if (s === FAILED) out.failed++;
  }
  if (p.errors.length > 0) out.errors = [...p.errors];
  return out;
}

/**
 * Keys left unanswered: a retryable error (the class of the last reason: CLUSTERDOWN, TRYAGAIN...,
 * else connection) that carries the outcome of the keys that are final (`details.partial`).
 */
export function unresolvedError(
  kind: string,
  left: Unresolved,
  total: number,
  partial?: BatchOutcome,
): CachifyError {
  const mapped = mapRedisError(left.error, `${kind} on the cluster`, false);
  const errorClass = mapped.retryable && mapped.errorClass ? mapped.errorClass : "connection";
  return new CachifyError(
    errorClass === "connection" ? "connection" : mapped.code,
    `${kind} on the cluster: ${left.indexes.length} of ${total} keys had no final answer within the step timeout (a failover or resharding is under way, or a node is down)${partial ? "; a retry of the batch sends only those" : ""}. Last: ${left.error.message}`,
    {
      errorClass,
      retryable: true,
      ambiguous: false,
      ...(partial
        ? {
            details: {
              partial: {
                applied: partial.applied,
                skipped: partial.skipped,
                failed: partial.failed,
              },
            },
          }
        : {}),
      cause: left.error,
    },
  );
}

/**
 * Runs a cluster batch: the keys not yet final (all of them on a first attempt) through
 * `sendRouted`, with the commands `build` makes for the progress record.
 */
async function clusterBatch(
  ctx: RedisContext,
  kind: string,
  op: object,
  keys: Buffer[],
  displayKeys: Uint8Array[],
  build: (p: Progress, keys: Uint8Array[]) => KeyCommands | Promise<KeyCommands>,
  prepare?: (p: Progress, todo: number[]) => Promise<number[]>,
): Promise<BatchOutcome> {
  const p = progressOf(op, keys.length);
  let todo = pendingOf(p);
  try {
    if (prepare && todo.length > 0) todo = await prepare(p, todo);
    const left =
      todo.length > 0
        ? await sendRouted(
            ctx.client as Cluster,
            keys,
            todo,
            await build(p, displayKeys),
            budgetOf(ctx),
          )
        : undefined;
    if (left) throw unresolvedError(kind, left, keys.length, outcomeOf(p));
  } catch (e) {
    unfinished.set(op, p);
    throw e;
  }
  unfinished.delete(op);
  return outcomeOf(p);
}

/** UNLINK needs Redis 4: asks the first primary that answers (7 when none does yet). */
async function clusterMajor(ctx: RedisContext): Promise<number> {
  const nodes = ctx.primaries();
  const ready = nodes.filter((n) => n.status === "ready");
  for (const n of [...ready, ...nodes.filter((n) => n.status !== "ready")]) {
    try {
      return await serverMajor(n);
    } catch {
      // A node that is down: ask the next.
    }
  }
  return 7;
}

const empty = (): BatchOutcome => ({ applied: 0, skipped: 0, failed: 0 });

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
