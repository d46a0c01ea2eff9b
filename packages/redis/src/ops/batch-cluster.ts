import { type BatchOutcome, CachifyError, displayKey } from "@cachify/core";
import type { Cluster } from "ioredis";
import { budgetOf, type RedisContext } from "../context.ts";
import { mapRedisError } from "../errors.ts";
import { empty, MAX_ERRORS } from "./batch-outcome.ts";
import { serverMajor } from "./batch-scripts.ts";
import { type KeyCommands, sendRouted, type Unresolved } from "./cluster-route.ts";

/**
 * A cluster batch's progress, key by key, across the attempts of one operation.
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

/** A key's outcome in a cluster batch (index into Progress.state). */
const PENDING = 0;
export const APPLIED = 1;
export const SKIPPED = 2;
const FAILED = 3;

export interface Progress {
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
export function settleKey(p: Progress, i: number, outcome: number): void {
  if (p.state[i] === PENDING) p.state[i] = outcome;
}

export function failKey(p: Progress, keys: Uint8Array[], i: number, e: Error): void {
  if (p.state[i] !== PENDING) return;
  p.state[i] = FAILED;
  if (p.errors.length < MAX_ERRORS) p.errors.push(`${displayKey(keys[i]!)}: ${e.message}`);
}

export function outcomeOf(p: Progress): BatchOutcome {
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
export async function clusterBatch(
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
export async function clusterMajor(ctx: RedisContext): Promise<number> {
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
