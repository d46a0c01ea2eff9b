import {
  badInput,
  CachifyError,
  keyFromText,
  keyMatcher,
  literalPrefix,
  newId,
  type OperationOf,
  type ScanPage,
} from "@cachify/core";
import { replyError } from "../client/engine-errors.ts";
import type { ErrorReply } from "../client/replies.ts";
import { metadumpRequest } from "../client/requests.ts";
import type { PoolServer, ServerPool } from "../pool/server-pool.ts";
import { decodeDumpKeyInto, dumpKeyEnd } from "./metadump-line.ts";

/** A scan page that also says which server listed each key (`listedBy[i]` for `keys[i]`). */
export interface MemcachedScanPage extends ScanPage {
  listedBy: string[];
}

export const BEST_EFFORT_NOTE =
  "Memcached cannot list its keys exactly: this listing comes from lru_crawler metadump, which " +
  "walks each server's cache while it changes. It is not a point-in-time snapshot: keys written, " +
  "evicted or expired meanwhile may be missing or still listed.";

const RETAKEN_NOTE =
  " The listing was taken again because the earlier one had expired: keys may repeat or be " +
  "missed between pages.";

const DEFAULT_COUNT = 500;
const MAX_COUNT = 100_000;
/** Listings not paged for this long are dropped. */
const SESSION_IDLE_MS = 10 * 60_000;
const MAX_SESSIONS = 4;

/** One metadump of every server, kept while the caller pages through it. */
interface Listing {
  id: string;
  match: string;
  /** Matching keys, decoded, with the server that listed each. */
  keys: KeyStore;
  /** Every item listed, matching or not. */
  total: number;
  lastUsed: number;
  /** Every server's dump has ended (END). */
  finished: boolean;
  /** Why the dump failed; every later page fails with it. */
  error?: unknown;
  /** Pages waiting for more keys (a streamed page) or for the end of the dump. */
  waiters: { need: number; resolve(): void; reject(e: unknown): void }[];
  /** The fewest keys a waiter needs (Infinity: none waits on a count). */
  wake: number;
  /** Stops the dumps (a waiting page was cancelled or timed out). */
  controller: AbortController;
}

const BLOCK = 1 << 20;

/** Which keys a listing keeps: all (undefined), those starting with these bytes, or a glob's. */
type Keep = undefined | Uint8Array | ((key: Uint8Array) => boolean);

function keepOf(match: string): Keep {
  if (match === "*") return undefined;
  const prefix = literalPrefix(match);
  if (match === `${prefix}*`) return keyFromText(prefix);
  return keyMatcher(match);
}

/**
 * The keys of a listing, decoded once, back to back in 1 MB blocks, with the index (into the
 * pool's servers) of the server that listed each: a few bytes over the key's own per key, no
 * object per key (a listing of millions of keys stays small and cheap to make).
 */
class KeyStore {
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(0);
  private used = 0;
  /** Per key: block index × BLOCK + offset, length, owner. */
  private at = new Float64Array(4096);
  private lengths = new Uint16Array(4096);
  private owners = new Uint16Array(4096);
  count = 0;

  /**
   * Decodes the encoded key `line[from, to)` and keeps it when `keep` accepts it (the view it
   * gets is valid only during the call). Returns whether it was kept.
   */
  add(line: Uint8Array, from: number, to: number, owner: number, keep: Keep): boolean {
    const room = to - from;
    if (this.used + room > this.block.length) {
      // A small first block: most listings (the key browser's) are small.
      this.block = new Uint8Array(Math.max(this.blocks.length === 0 ? BLOCK >> 4 : BLOCK, room));
      this.blocks.push(this.block);
      this.used = 0;
    }
    const block = this.block;
    const at = this.used;
    const len = decodeDumpKeyInto(line, from, to, block, at);
    if (keep instanceof Uint8Array) {
      // A pattern "<prefix>*": compared in place, no view made per key.
      if (len < keep.length) return false;
      for (let i = 0; i < keep.length; i++) if (block[at + i] !== keep[i]) return false;
    } else if (keep && !keep(block.subarray(at, at + len))) return false;
    if (this.count === this.at.length) this.growIndex();
    this.at[this.count] = (this.blocks.length - 1) * BLOCK + this.used;
    this.lengths[this.count] = len;
    this.owners[this.count] = owner;
    this.count++;
    this.used += len;
    return true;
  }

  private growIndex(): void {
    const n = this.at.length * 4;
    const at = new Float64Array(n);
    at.set(this.at);
    this.at = at;
    const lengths = new Uint16Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const owners = new Uint16Array(n);
    owners.set(this.owners);
    this.owners = owners;
  }

  /** Key i, as a view of the store (the store is never written over). */
  key(i: number): Uint8Array {
    const a = this.at[i]!;
    const block = Math.floor(a / BLOCK);
    const offset = a - block * BLOCK;
    return this.blocks[block]!.subarray(offset, offset + this.lengths[i]!);
  }

  owner(i: number): number {
    return this.owners[i]!;
  }
}

/**
 * Key listing over `lru_crawler metadump all`. A dump lists a whole server at once, so the first
 * page dumps every server (in parallel, each on a connection of its own), keeps the matching keys
 * and pages through them; the cursor is `md1:<listing id>:<offset>`. A cursor whose listing has
 * expired dumps again and continues at the same offset (best effort, and said so).
 */
export class KeyListing {
  private readonly listings = new Map<string, Listing>();

  constructor(
    private readonly pool: ServerPool,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One page of a listing. The first page starts a dump of every server; by default it waits for
   * the whole dump (its `total` then counts every item). `stream` (workflow dry-runs) hands out
   * each page as soon as its keys are in, while the dump goes on, so the dry-run stores keys while
   * the servers still dump; `total` is then given with the last page only.
   */
  async page(
    op: OperationOf<"scan">,
    signal: AbortSignal,
    stream = false,
  ): Promise<MemcachedScanPage> {
    const count = pageSize(op.count);
    const match = op.match === undefined || op.match === "" ? "*" : op.match;
    if (op.type !== undefined && op.type !== "string") {
      // Every memcached item is a string: a listing of any other type is empty.
      return { keys: [], listedBy: [], cursor: "0", done: true, bestEffort: BEST_EFFORT_NOTE };
    }
    let note = BEST_EFFORT_NOTE;
    let offset = 0;
    let listing: Listing;
    if (op.cursor === "0" || op.cursor === "") {
      listing = this.take(match);
    } else {
      const cursor = parseCursor(op.cursor);
      const kept = this.listings.get(cursor.id);
      if (kept && kept.match !== match) {
        throw badInput(
          `This cursor belongs to a listing of "${kept.match}", not "${match}": start again with cursor 0.`,
        );
      }
      if (kept) listing = kept;
      else {
        listing = this.take(match);
        note += RETAKEN_NOTE;
      }
      offset = cursor.offset;
    }
    await this.until(listing, stream ? offset + count : Number.POSITIVE_INFINITY, signal);
    const end = Math.min(offset + count, listing.keys.count);
    const keys: Uint8Array[] = [];
    const listedBy: string[] = [];
    for (let i = offset; i < end; i++) {
      keys.push(listing.keys.key(i));
      listedBy.push(this.pool.servers[listing.keys.owner(i)]!.address);
    }
    const done = listing.finished && end >= listing.keys.count;
    if (done) this.listings.delete(listing.id);
    else listing.lastUsed = this.now();
    return {
      keys,
      listedBy,
      cursor: done ? "0" : `md1:${listing.id}:${end}`,
      done,
      ...(listing.finished ? { total: listing.total } : {}),
      bestEffort: note,
    };
  }

  /** Waits until the listing holds `need` keys or its dump ended; fails when the dump failed. */
  private until(listing: Listing, need: number, signal: AbortSignal): Promise<void> {
    if (listing.error !== undefined) return Promise.reject(listing.error);
    if (listing.finished || listing.keys.count >= need) return Promise.resolve();
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // The page was given up (timeout, cancel): nobody is left to read the dump.
        listing.controller.abort(signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const off = () => signal.removeEventListener("abort", onAbort);
      listing.waiters.push({
        need,
        resolve: () => {
          off();
          resolve();
        },
        reject: (e) => {
          off();
          reject(e);
        },
      });
      listing.wake = Math.min(listing.wake, need);
    });
  }

  /** Releases the waiters whose keys are in (all of them once the dump ended or failed). */
  private wake(listing: Listing): void {
    const all = listing.finished || listing.error !== undefined;
    const count = listing.keys.count;
    const still: Listing["waiters"] = [];
    let wake = Number.POSITIVE_INFINITY;
    for (const w of listing.waiters) {
      if (listing.error !== undefined) w.reject(listing.error);
      else if (all || count >= w.need) w.resolve();
      else {
        still.push(w);
        wake = Math.min(wake, w.need);
      }
    }
    listing.waiters = still;
    listing.wake = wake;
  }

  /**
   * Starts a dump of every server (in parallel, each on a connection of its own) into a new
   * listing, kept at once so its cursors work while it fills.
   */
  private take(match: string): Listing {
    const listing: Listing = {
      id: newId("ls").slice(3),
      match,
      keys: new KeyStore(),
      total: 0,
      lastUsed: this.now(),
      finished: false,
      waiters: [],
      wake: Number.POSITIVE_INFINITY,
      controller: new AbortController(),
    };
    const keep = keepOf(match);
    const signal = listing.controller.signal;
    Promise.all(
      this.pool.servers.map((server, index) =>
        this.pool.withDedicated(server, async (c) => {
          const reply = await c.request(
            metadumpRequest((line, start, end) => {
              // `key=<encoded> exp=...`: the reader only hands over lines that start with key=.
              listing.total++;
              listing.keys.add(line, start + 4, dumpKeyEnd(line, start, end), index, keep);
              if (listing.keys.count >= listing.wake) this.wake(listing);
            }),
            signal,
          );
          if (reply.kind === "error") throw listingError(server, reply);
        }),
      ),
    ).then(
      () => {
        listing.finished = true;
        this.wake(listing);
      },
      (e: unknown) => {
        listing.error = e;
        // The other servers' dumps are no longer wanted.
        listing.controller.abort(e);
        this.wake(listing);
      },
    );
    this.keep(listing);
    return listing;
  }

  private keep(listing: Listing): void {
    const now = this.now();
    for (const [id, l] of this.listings) {
      if (now - l.lastUsed > SESSION_IDLE_MS) this.listings.delete(id);
    }
    while (this.listings.size >= MAX_SESSIONS) {
      const oldest = [...this.listings.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      this.listings.delete(oldest.id);
    }
    this.listings.set(listing.id, listing);
  }
}

function pageSize(count: number | undefined): number {
  if (count === undefined) return DEFAULT_COUNT;
  if (!Number.isInteger(count) || count < 1) {
    throw badInput(`count ${count} is not valid: give a whole number of keys per page, 1 or more.`);
  }
  return Math.min(count, MAX_COUNT);
}

function parseCursor(cursor: string): { id: string; offset: number } {
  const m = /^md1:([A-Za-z0-9_]+):(\d+)$/.exec(cursor);
  if (!m) {
    throw badInput(`"${cursor}" is not a cursor this listing gave out: start again with cursor 0.`);
  }
  return { id: m[1]!, offset: Number(m[2]) };
}

/** Why a server refused to dump, and what the user can do about it. */
function listingError(server: PoolServer, reply: ErrorReply): CachifyError {
  const at = server.address;
  const details = { address: at, reply: reply.line };
  if (reply.type === "ERROR" && /not allowed/.test(reply.message)) {
    return new CachifyError(
      "capability",
      `Key listing is turned off on memcached at ${at}: the server runs with -X, which disables ` +
        "lru_crawler metadump. Restart memcached without -X to browse keys; keys can still be " +
        "opened by name.",
      { details },
    );
  }
  if (reply.type === "BUSY") {
    return new CachifyError(
      "capability",
      `memcached at ${at} is busy with another LRU crawl (lru_crawler answered BUSY), so keys ` +
        "cannot be listed right now. Wait for the other crawl or dump to finish, then list again.",
      { retryable: true, details },
    );
  }
  if (reply.type === "CLIENT_ERROR" && /crawler disabled/.test(reply.message)) {
    return new CachifyError(
      "capability",
      `The LRU crawler is turned off on memcached at ${at}, so keys cannot be listed. Turn it on ` +
        'with "lru_crawler enable" (or start memcached without -o no_lru_crawler); keys can ' +
        "still be opened by name.",
      { details },
    );
  }
  return replyError(at, reply);
}
