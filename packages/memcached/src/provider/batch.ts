import {
  type BatchOutcome,
  CachifyError,
  displayKey,
  type KeyState,
  type OperationOf,
  type ShardScanPage,
} from "@cachify/core";
import { checkKey, isValidKey } from "../client/key-check.ts";
import type { Reply } from "../client/replies.ts";
import { metaDeleteQuiet, metaGet, metaSetQuiet, type Request } from "../client/requests.ts";
import type { PoolServer, ServerPool } from "../pool/server-pool.ts";
import type { KeyListing } from "./key-listing.ts";
import { expireTtlFlag, setTtlFlag, ttlMsFromFlag } from "./ttl.ts";

/**
 * Workflow batches on a memcached pool: pipelined meta commands per server. Keys a listing found
 * are changed on the server whose metadump listed them (`nodes`), which is where they live even
 * if the pool's hashing would now pick another server; keys written by a warm-up go to the server
 * ketama picks. A per-key error reply (SERVER_ERROR...) counts that key as failed; a broken
 * connection fails the whole batch (the workflow retries it).
 */

const MAX_ERRORS = 5;
const empty = (): BatchOutcome => ({ applied: 0, skipped: 0, failed: 0 });

export function shards(): { shards: string[] } {
  // One metadump walks every server of the pool at once: a single listing stream.
  return { shards: ["pool"] };
}

export async function scanShard(
  listing: KeyListing,
  op: OperationOf<"scanShard">,
  signal: AbortSignal,
): Promise<ShardScanPage> {
  const page = await listing.page(
    {
      kind: "scan",
      cursor: op.cursor,
      ...(op.match !== undefined ? { match: op.match } : {}),
      ...(op.type !== undefined ? { type: op.type } : {}),
      ...(op.count !== undefined ? { count: op.count } : {}),
    },
    signal,
    true,
  );
  return {
    keys: page.keys,
    cursor: page.cursor,
    done: page.done,
    nodes: page.listedBy,
    ...(page.bestEffort ? { bestEffort: page.bestEffort } : {}),
  };
}

interface Group {
  server: PoolServer;
  indexes: number[];
}

/** Groups key indexes by server: the listed server when given, else the pool's choice. */
function groups(pool: ServerPool, keys: Uint8Array[], nodes: string[] | undefined): Group[] {
  const out = new Map<PoolServer, number[]>();
  // Consecutive keys mostly share a server: the last lookups are reused.
  let listedAddress: string | undefined;
  let listedServer: PoolServer | undefined;
  let lastServer: PoolServer | undefined;
  let lastGroup: number[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const address = nodes?.[i];
    let server: PoolServer | undefined;
    if (address !== undefined) {
      if (address === listedAddress) server = listedServer;
      else {
        server = pool.servers.find((s) => s.address === address);
        if (!server) {
          throw new CachifyError(
            "bad-input",
            `Server ${address} is no longer in this profile's pool: make a fresh dry-run.`,
          );
        }
        listedAddress = address;
        listedServer = server;
      }
    } else server = pool.serverFor(keys[i]!);
    let g = server === lastServer ? lastGroup : out.get(server!);
    if (!g) {
      g = [];
      out.set(server!, g);
    }
    lastServer = server;
    lastGroup = g;
    g.push(i);
  }
  return [...out].map(([server, indexes]) => ({ server, indexes }));
}

/** A key memcached cannot take (space, control byte, too long) fails alone, never the batch. */
function valid(key: Uint8Array, out: BatchOutcome): boolean {
  if (isValidKey(key)) return true;
  try {
    checkKey(key);
    return true;
  } catch (e) {
    out.failed++;
    note(out, `${displayKey(key)}: ${(e as Error).message}`);
    return false;
  }
}

function note(out: BatchOutcome, message: string): void {
  out.errors ??= [];
  if (out.errors.length < MAX_ERRORS) out.errors.push(message);
}

async function send(
  pool: ServerPool,
  server: PoolServer,
  requests: Request[],
  signal: AbortSignal,
): Promise<Reply[]> {
  return pool.connection(server).pipeline(requests, signal);
}

function count(
  replies: Reply[],
  keys: Uint8Array[],
  indexes: number[],
  applied: (status: string) => boolean,
  out: BatchOutcome,
): void {
  replies.forEach((r, j) => {
    if (r.kind === "error") {
      out.failed++;
      note(out, `${displayKey(keys[indexes[j]!]!)}: ${r.line}`);
    } else if (r.kind === "meta" && applied(r.status)) out.applied++;
    else out.skipped++;
  });
}

/** `md <key> q` per key in one quiet run per server: only NF and errors come back. */
export async function deleteBatch(
  pool: ServerPool,
  op: OperationOf<"deleteBatch">,
  signal: AbortSignal,
): Promise<BatchOutcome> {
  const out = empty();
  await Promise.all(
    groups(pool, op.keys, op.nodes).map(async ({ server, indexes }) => {
      const keys: Uint8Array[] = [];
      for (const i of indexes) if (valid(op.keys[i]!, out)) keys.push(op.keys[i]!);
      if (keys.length === 0) return;
      const reply = await pool.connection(server).request(metaDeleteQuiet(keys), signal);
      countQuiet(server, reply, keys.length, "NF", out);
    }),
  );
  return out;
}

/**
 * Counts a quiet run of `sent` commands: success is suppressed, so every command the server did
 * not answer applied; `skip` (NF, NS) did not; an error reply failed its command (which one, the
 * server does not say).
 */
function countQuiet(
  server: PoolServer,
  reply: Reply,
  sent: number,
  skip: "NF" | "NS",
  out: BatchOutcome,
): void {
  if (reply.kind !== "quiet") {
    throw new CachifyError(
      "engine",
      `memcached at ${server.address}: a ${reply.kind} reply to a quiet run`,
    );
  }
  let skipped = 0;
  let failed = 0;
  for (const r of reply.replies) {
    if (r.kind === "error") {
      failed++;
      note(out, `memcached at ${server.address}: ${r.line} (for one of the batch's keys)`);
    } else if (r.status === skip) skipped++;
    else if (r.status !== "HD") {
      throw new CachifyError(
        "engine",
        `memcached at ${server.address}: unexpected ${r.status} in a quiet run`,
      );
    }
  }
  // A server that sends HD despite q would count it twice: only NF/NS and errors are subtracted.
  out.skipped += skipped;
  out.failed += failed;
  out.applied += Math.max(0, sent - skipped - failed);
}

export async function inspectBatch(
  pool: ServerPool,
  op: OperationOf<"inspectBatch">,
  signal: AbortSignal,
): Promise<KeyState[]> {
  const states: KeyState[] = new Array(op.keys.length);
  await Promise.all(
    groups(pool, op.keys, op.nodes).map(async ({ server, indexes }) => {
      const ok = indexes.filter((i) => {
        try {
          checkKey(op.keys[i]!);
          return true;
        } catch {
          states[i] = { ttlMs: -2, type: "none" };
          return false;
        }
      });
      const replies = await send(
        pool,
        server,
        ok.map((i) => metaGet(op.keys[i]!, ["t"])),
        signal,
      );
      replies.forEach((r, j) => {
        const i = ok[j]!;
        if (r.kind === "error")
          throw new CachifyError("engine", `memcached at ${server.address}: ${r.line}`);
        const missing = r.kind === "meta" && r.status === "EN";
        states[i] = missing
          ? { ttlMs: -2, ...(op.withType ? { type: "none" as const } : {}) }
          : {
              ttlMs: ttlMsFromFlag(r.kind === "meta" ? r.flags.t : undefined),
              ...(op.withType ? { type: "string" as const } : {}),
            };
      });
    }),
  );
  return states;
}

/**
 * TTLs with `mg <key> T<exptime>`. Memcached cannot set a TTL on a condition: for the conditional
 * modes the TTLs are read first (`mg t`) and only the keys that qualify are changed (not atomic).
 */
export async function expireBatch(
  pool: ServerPool,
  op: OperationOf<"expireBatch">,
  signal: AbortSignal,
): Promise<BatchOutcome> {
  const out = empty();
  await Promise.all(
    groups(pool, op.keys, op.nodes).map(async ({ server, indexes }) => {
      let todo = indexes.filter((i) => valid(op.keys[i]!, out));
      if (op.condition !== "always" && todo.length > 0) {
        const ttls = await send(
          pool,
          server,
          todo.map((i) => metaGet(op.keys[i]!, ["t"])),
          signal,
        );
        const keep: number[] = [];
        ttls.forEach((r, j) => {
          const i = todo[j]!;
          if (r.kind === "error") {
            out.failed++;
            note(out, `${displayKey(op.keys[i]!)}: ${r.line}`);
            return;
          }
          if (r.kind !== "meta" || r.status === "EN") {
            out.skipped++;
            return;
          }
          const cur = ttlMsFromFlag(r.flags.t);
          const target = op.ttlSeconds[i]! * 1000;
          const applies =
            (op.condition === "if-persistent" && cur === -1) ||
            (op.condition === "if-lower" && (cur === -1 || target < cur)) ||
            (op.condition === "if-higher" && cur >= 0 && target > cur);
          if (applies) keep.push(i);
          else out.skipped++;
        });
        todo = keep;
      }
      if (todo.length === 0) return;
      const replies = await send(
        pool,
        server,
        todo.map((i) => metaGet(op.keys[i]!, [expireTtlFlag(op.ttlSeconds[i]!)])),
        signal,
      );
      count(replies, op.keys, todo, (s) => s === "HD", out);
    }),
  );
  return out;
}

/**
 * `ms` in set mode, add mode (ME: only when missing) or replace mode (MR: only when present), one
 * quiet run per server: only NS (the mode's condition not met) and errors come back.
 */
export async function setBatch(
  pool: ServerPool,
  op: OperationOf<"setBatch">,
  signal: AbortSignal,
): Promise<BatchOutcome> {
  const out = empty();
  const keys = op.items.map((i) => i.key);
  const mode = op.condition === "if-absent" ? ["ME"] : op.condition === "if-present" ? ["MR"] : [];
  const flagsByTtl = new Map<number | undefined, string[]>();
  const flagsOf = (ttl: number | undefined) => {
    let f = flagsByTtl.get(ttl);
    if (!f) {
      f = [setTtlFlag(ttl), "F0", ...mode];
      flagsByTtl.set(ttl, f);
    }
    return f;
  };
  await Promise.all(
    groups(pool, keys, undefined).map(async ({ server, indexes }) => {
      const ok = indexes.filter((i) => valid(keys[i]!, out));
      if (ok.length === 0) return;
      const reply = await pool.connection(server).request(
        metaSetQuiet(
          ok.map((i) => {
            const item = op.items[i]!;
            return { key: item.key, value: item.value, flags: flagsOf(item.ttlSeconds) };
          }),
        ),
        signal,
      );
      countQuiet(server, reply, ok.length, "NS", out);
    }),
  );
  return out;
}
