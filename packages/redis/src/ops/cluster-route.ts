import slotOf from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { isReplyError } from "../reply-error.ts";
import { sendBuffer } from "../send.ts";
import { type RawReply, RespWriter, rawAvailable, sendRaw } from "./raw-pipeline.ts";

/**
 * Single-key commands sent to a Redis Cluster, each to the primary that owns its key, pipelined
 * per node, and followed through what a cluster answers while it changes:
 *
 * - MOVED slot host:port: the slot has a new owner. The key is resent to that node at once, and
 *   the slot map is refreshed in the background for the keys still to route.
 * - ASK slot host:port: the slot is being migrated and this key is already on the target. Resent
 *   to that node, preceded by ASKING (valid for one command).
 * - TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, READONLY: the cluster is failing over or a
 *   resharding is half done. Resent after a short backoff (50 ms doubling to 500 ms) and a slot
 *   map refresh, until the time budget runs out.
 * - A node that cannot be reached, or whose connection drops with replies outstanding: its keys
 *   are routed again after a slot map refresh (during a failover the map names the dead primary
 *   until a replica is promoted, so this repeats with backoff).
 *
 * Only keys whose reply was a redirect or a retryable refusal (nothing happened), or whose
 * connection dropped before their reply (outcome unknown), are sent again; every other reply is
 * final. Resending is safe for the commands the workflow batches use: see batch.ts.
 *
 * The time budget is the gate ticket's: retries stop a margin before its deadline, and at once
 * when its signal aborts, so the gate's own timeout (which drops the whole client) is not hit by
 * waiting. What is still unresolved then is handed back to the caller.
 */

/** What a batch operation sends for one key: `parts` commands, each with its own reply. */
export interface KeyCommands {
  /** Commands per key (1, or 2 for PTTL + TYPE). */
  parts: number;
  /** Writes part `part` of key `i`'s commands as RESP. */
  write(w: RespWriter, i: number, part: number): void;
  /** The same command as a name and arguments (for a connection raw RESP cannot be used on). */
  args(i: number, part: number): [string, ...(string | Buffer | number)[]];
  /** Approximate RESP bytes for key i (all parts), to size the buffer. */
  size(i: number): number;
  /** Key i's replies, all successful. */
  done(i: number, replies: unknown[]): void;
  /** Key i got an error no resend can fix (WRONGTYPE, OOM, NOPERM, a syntax error...). */
  fail(i: number, error: Error): void;
}

export interface Budget {
  /** Absolute time (ms since epoch) by which the operation must have answered. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

/** Keys still without a final reply when the budget ran out, and the last reason. */
export interface Unresolved {
  indexes: number[];
  error: Error;
}

/** Redirects one key may follow in one call (ioredis' default is 16 as well). */
const MAX_HOPS = 16;
const BACKOFF_FIRST_MS = 50;
const BACKOFF_MAX_MS = 500;

/** Error replies after which the same command, resent later, can succeed. */
const RETRY_LATER = /^(TRYAGAIN|CLUSTERDOWN|LOADING|MASTERDOWN|READONLY)\b/;

interface Item {
  i: number;
  /** A node named by MOVED / ASK, else undefined: route by the slot map. */
  to: string | undefined;
  asking: boolean;
  hops: number;
}

/** Why a round left a key for later. */
interface Round {
  retry: Item[];
  refresh: boolean;
  backoff: boolean;
  lastError: Error | undefined;
}

const CLOSED = "Connection is closed.";

/** The moment to stop retrying: a margin before the deadline (a tenth of the budget, ≤ 250 ms). */
function stopAt(budget: Budget, now: number): number {
  const span = Math.max(0, budget.deadline - now);
  return budget.deadline - Math.min(250, span / 10);
}

function address(n: Redis): string {
  return `${n.options.host}:${n.options.port}`;
}

/** The connection for host:port in the cluster's pool; created (as ioredis does on MOVED) if asked. */
function nodeAt(cluster: Cluster, addr: string, create: boolean): Redis | undefined {
  const found = cluster.nodes("all").find((n) => address(n) === addr);
  if (found || !create) return found;
  const pool = (
    cluster as unknown as {
      connectionPool?: { findOrCreate?: (o: { host: string; port: number }) => Redis };
    }
  ).connectionPool;
  const at = addr.lastIndexOf(":");
  if (at < 0 || typeof pool?.findOrCreate !== "function") return undefined;
  return pool.findOrCreate({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)) });
}

function ownerAddress(cluster: Cluster, slot: number): string | undefined {
  return cluster.slots[slot]?.[0];
}

/** Asks the cluster for its slot map again; resolves when done, failed or out of time. */
function refreshSlots(cluster: Cluster, until: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
    cluster.refreshSlotsCache(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Makes a node connection usable: connects a lazy one (a PING through ioredis' own queue, which
 * connects first), within the time left. Throws when it cannot be reached.
 */
async function ready(node: Redis, until: number): Promise<void> {
  if (rawAvailable(node) || node.status === "ready") return;
  if (node.status === "end" || node.status === "close") throw new Error(CLOSED);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      node.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no connection to ${address(node)} in time`)),
          Math.max(1, until - Date.now()),
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends key `todo`'s commands until each has a final reply (handed to `cmds.done` / `cmds.fail`)
 * or the budget runs out. Returns the keys left without one, or undefined when none are.
 */
export async function sendRouted(
  cluster: Cluster,
  keys: Buffer[],
  todo: number[],
  cmds: KeyCommands,
  budget: Budget,
): Promise<Unresolved | undefined> {
  const until = stopAt(budget, Date.now());
  let items: Item[] = todo.map((i) => ({ i, to: undefined, asking: false, hops: 0 }));
  let delay = BACKOFF_FIRST_MS;
  let lastError: Error | undefined;
  while (items.length > 0) {
    const round = await sendRound(cluster, keys, items, cmds, until);
    if (round.lastError) lastError = round.lastError;
    items = round.retry;
    if (items.length === 0) break;
    if (budget.signal?.aborted || Date.now() >= until) break;
    if (round.backoff) {
      await pause(Math.min(delay, until - Date.now()), budget.signal);
      delay = Math.min(delay * 2, BACKOFF_MAX_MS);
    }
    if (round.refresh) await refreshSlots(cluster, until);
    if (budget.signal?.aborted || Date.now() >= until) break;
  }
  if (items.length === 0) return undefined;
  return {
    indexes: items.map((x) => x.i),
    error: lastError ?? new Error("the cluster did not answer in time"),
  };
}

async function sendRound(
  cluster: Cluster,
  keys: Buffer[],
  items: Item[],
  cmds: KeyCommands,
  until: number,
): Promise<Round> {
  const round: Round = { retry: [], refresh: false, backoff: false, lastError: undefined };
  const groups = new Map<Redis, Item[]>();
  for (const item of items) {
    const addr = item.to ?? ownerAddress(cluster, slotOf(keys[item.i]!));
    const node = addr ? nodeAt(cluster, addr, item.to !== undefined) : undefined;
    if (!node) {
      // The slot map names no node for the slot, or one the pool dropped (it died): refresh.
      item.to = undefined;
      item.asking = false;
      round.retry.push(item);
      round.refresh = true;
      round.backoff = true;
      round.lastError ??= new Error(
        `no reachable node serves slot ${slotOf(keys[item.i]!)} (${addr ?? "unassigned"})`,
      );
      continue;
    }
    let g = groups.get(node);
    if (!g) {
      g = [];
      groups.set(node, g);
    }
    g.push(item);
  }
  await Promise.all(
    [...groups].map(([node, group]) => sendGroup(cluster, node, group, cmds, until, round)),
  );
  return round;
}

/** Sends one node's share of a round and sorts each key's replies. */
async function sendGroup(
  cluster: Cluster,
  node: Redis,
  group: Item[],
  cmds: KeyCommands,
  until: number,
  round: Round,
): Promise<void> {
  const parts = cmds.parts;
  /** Replies seen per key: `parts` of them decide the key. */
  const got: unknown[][] = group.map(() => []);
  const settled = new Uint8Array(group.length);
  const lost = (e: Error) => {
    // No reply (unreachable, or dropped with replies outstanding): route again after a refresh.
    round.lastError = e;
    round.refresh = true;
    round.backoff = true;
    group.forEach((item, k) => {
      if (settled[k]) return;
      item.to = undefined;
      item.asking = false;
      round.retry.push(item);
    });
  };
  try {
    await ready(node, until);
  } catch (e) {
    lost(e as Error);
    return;
  }
  const onReply = (k: number, r: RawReply) => {
    const replies = got[k]!;
    replies.push(r.ok ? r.value : r.error);
    if (replies.length < parts) return;
    settled[k] = 1;
    judge(group[k]!, replies, cmds, round, cluster);
  };
  try {
    if (rawAvailable(node)) await sendAsRaw(node, group, cmds, onReply);
    else await sendAsCommands(node, group, cmds, onReply);
  } catch (e) {
    lost(e as Error);
  }
}

/** One buffer of RESP for the group: ASKING before each command of a key that was sent ASK. */
function sendAsRaw(
  node: Redis,
  group: Item[],
  cmds: KeyCommands,
  onReply: (k: number, r: RawReply) => void,
): Promise<void> {
  const parts = cmds.parts;
  let size = 32;
  let count = 0;
  for (const item of group) {
    size += cmds.size(item.i) + (item.asking ? 24 * parts : 0);
    count += parts * (item.asking ? 2 : 1);
  }
  const w = new RespWriter(size);
  /** Reply j belongs to key owner[j] of the group; -1: an ASKING reply (+OK). */
  const owner = new Int32Array(count);
  let j = 0;
  group.forEach((item, k) => {
    for (let part = 0; part < parts; part++) {
      if (item.asking) {
        w.array(1).text("ASKING");
        owner[j++] = -1;
      }
      cmds.write(w, item.i, part);
      owner[j++] = k;
    }
  });
  return sendRaw(node, w.finish(), count, (at, r) => {
    const k = owner[at]!;
    if (k >= 0) onReply(k, r);
  });
}

/** The same through ioredis commands, when raw RESP is not available on this connection. */
async function sendAsCommands(
  node: Redis,
  group: Item[],
  cmds: KeyCommands,
  onReply: (k: number, r: RawReply) => void,
): Promise<void> {
  const sent: Promise<void>[] = [];
  group.forEach((item, k) => {
    for (let part = 0; part < cmds.parts; part++) {
      if (item.asking) sendBuffer(node, "ASKING", []).catch(() => {});
      const [name, ...args] = cmds.args(item.i, part);
      sent.push(
        sendBuffer(node, name, args).then(
          (value) => onReply(k, { ok: true, value }),
          (error: Error) => {
            if (!isReplyError(error)) throw error;
            onReply(k, { ok: false, error });
          },
        ),
      );
    }
  });
  const results = await Promise.allSettled(sent);
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/** A key's replies are in: final (done / fail), or resent by the rule its error calls for. */
function judge(item: Item, replies: unknown[], cmds: KeyCommands, round: Round, cluster: Cluster) {
  const error = replies.find((r) => r instanceof Error) as Error | undefined;
  if (!error) {
    cmds.done(item.i, replies);
    return;
  }
  const m = error.message;
  const redirect = /^(MOVED|ASK) \d+ (\S+)/.exec(m);
  if (redirect || RETRY_LATER.test(m)) {
    if (++item.hops > MAX_HOPS) {
      cmds.fail(item.i, new Error(`too many cluster redirections, last: ${m}`));
      return;
    }
    round.lastError = error;
    round.retry.push(item);
    if (redirect) {
      item.to = redirect[2]!;
      item.asking = redirect[1] === "ASK";
      // MOVED: the map is stale for the whole slot; later batches should route right at once.
      if (!item.asking) cluster.refreshSlotsCache();
    } else {
      item.to = undefined;
      item.asking = false;
      round.backoff = true;
      round.refresh = true;
    }
    return;
  }
  cmds.fail(item.i, error);
}
