import {
  badInput,
  CachifyError,
  keyMatcher,
  newId,
  type OperationOf,
  type ScanPage,
} from "@cachify/core";
import { replyError } from "../client/engine-errors.ts";
import type { ErrorReply } from "../client/replies.ts";
import { metadumpRequest } from "../client/requests.ts";
import type { PoolServer, ServerPool } from "../pool/server-pool.ts";
import { decodeDumpKey, encodedKeyOf } from "./metadump-line.ts";

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
  /** Matching keys, still URL-encoded as the server wrote them (compact strings). */
  keys: string[];
  /** Index into the pool's servers of the server that listed each key. */
  owners: number[];
  /** Every item listed, matching or not. */
  total: number;
  lastUsed: number;
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

  async page(op: OperationOf<"scan">, signal: AbortSignal): Promise<MemcachedScanPage> {
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
      listing = await this.take(match, signal);
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
        listing = await this.take(match, signal);
        note += RETAKEN_NOTE;
      }
      offset = cursor.offset;
    }
    const end = Math.min(offset + count, listing.keys.length);
    const keys: Uint8Array[] = [];
    const listedBy: string[] = [];
    for (let i = offset; i < end; i++) {
      keys.push(decodeDumpKey(listing.keys[i]!));
      listedBy.push(this.pool.servers[listing.owners[i]!]!.address);
    }
    const done = end >= listing.keys.length;
    if (done) this.listings.delete(listing.id);
    else listing.lastUsed = this.now();
    return {
      keys,
      listedBy,
      cursor: done ? "0" : `md1:${listing.id}:${end}`,
      done,
      total: listing.total,
      bestEffort: note,
    };
  }

  private async take(match: string, signal: AbortSignal): Promise<Listing> {
    const matches = keyMatcher(match);
    const all = match === "*";
    const listing: Listing = {
      id: newId("ls").slice(3),
      match,
      keys: [],
      owners: [],
      total: 0,
      lastUsed: this.now(),
    };
    await Promise.all(
      this.pool.servers.map((server, index) =>
        this.pool.withDedicated(server, async (c) => {
          const reply = await c.request(
            metadumpRequest((line) => {
              const encoded = encodedKeyOf(line);
              if (encoded === undefined) return;
              listing.total++;
              if (all || matches(decodeDumpKey(encoded))) {
                listing.keys.push(encoded);
                listing.owners.push(index);
              }
            }),
            signal,
          );
          if (reply.kind === "error") throw listingError(server, reply);
        }),
      ),
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
