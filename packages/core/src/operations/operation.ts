import type { KeyBytes } from "../common/keys.ts";

/** Value types across engines. Memcached items are all "string". */
export type ValueType = "string" | "hash" | "list" | "set" | "zset" | "stream" | "none" | "unknown";

/**
 * Everything the product can do to a cache, one variant per kind. The gate classifies, guards,
 * audits and times each one; providers execute them. Keys are bytes (binary-safe).
 */
export type Operation =
  | { kind: "ping" }
  | { kind: "stats" }
  | { kind: "slowlog"; count: number }
  // Observability (the collector): LATENCY samples, and a live keyspace-notification feed.
  | { kind: "latency" }
  | { kind: "keyspaceEvents" }
  | { kind: "commandInfo"; names: string[] }
  | { kind: "scan"; cursor: string; match?: string; type?: ValueType; count?: number }
  | { kind: "describe"; keys: KeyBytes[] }
  | { kind: "get"; key: KeyBytes }
  | { kind: "set"; key: KeyBytes; value: Uint8Array; ttlSeconds?: number; keepTtl?: boolean }
  | { kind: "delete"; keys: KeyBytes[] }
  | { kind: "expire"; key: KeyBytes; ttlSeconds: number }
  | { kind: "rename"; key: KeyBytes; newKey: KeyBytes; overwrite: boolean }
  // Collections: read page by page, edited member by member.
  | { kind: "hashScan"; key: KeyBytes; cursor: string; match?: string; count?: number }
  | { kind: "hashSet"; key: KeyBytes; field: Uint8Array; value: Uint8Array }
  | { kind: "hashDelete"; key: KeyBytes; fields: Uint8Array[] }
  | { kind: "listRange"; key: KeyBytes; start: number; stop: number }
  | { kind: "listPush"; key: KeyBytes; values: Uint8Array[]; end: "head" | "tail" }
  | { kind: "listSet"; key: KeyBytes; index: number; value: Uint8Array }
  | { kind: "listRemoveAt"; key: KeyBytes; index: number; expected: Uint8Array }
  | { kind: "setScan"; key: KeyBytes; cursor: string; match?: string; count?: number }
  | { kind: "setAdd"; key: KeyBytes; members: Uint8Array[] }
  | { kind: "setRemove"; key: KeyBytes; members: Uint8Array[] }
  | { kind: "zsetRange"; key: KeyBytes; start: number; stop: number }
  | { kind: "zsetAdd"; key: KeyBytes; member: Uint8Array; score: number }
  | { kind: "zsetRemove"; key: KeyBytes; members: Uint8Array[] }
  | { kind: "streamRange"; key: KeyBytes; start: string; end: string; count: number }
  | { kind: "streamAdd"; key: KeyBytes; id: string; fields: [Uint8Array, Uint8Array][] }
  | { kind: "streamDelete"; key: KeyBytes; ids: string[] }
  // A raw command from the console: classified from the server's command table by the gate.
  | { kind: "raw"; args: Uint8Array[] }
  // Snapshots: pre-images read before a mutation, and put back by a rollback.
  | { kind: "dump"; keys: KeyBytes[] }
  | { kind: "restore"; items: KeyRestore[] }
  // Workflows: the shards a listing walks (Cluster primaries, one for other engines), one shard's
  // listing page, key state in bulk, and the batch steps. Batch mutations are bulk: the gate runs
  // them only inside an execution approved from a confirmed plan.
  | { kind: "shards" }
  | {
      kind: "scanShard";
      shard: string;
      cursor: string;
      match?: string;
      type?: ValueType;
      count?: number;
    }
  | { kind: "inspectBatch"; keys: KeyBytes[]; withType?: boolean; nodes?: string[] }
  | { kind: "deleteBatch"; keys: KeyBytes[]; nodes?: string[] }
  | {
      kind: "expireBatch";
      keys: KeyBytes[];
      /** Per key; -1 removes the TTL. */
      ttlSeconds: number[];
      condition: ExpireCondition;
      nodes?: string[];
    }
  | { kind: "setBatch"; items: BatchSetItem[]; condition: SetCondition }
  // A dry-run's permission check: may the connection's own user send these commands? (Redis 7
  // ACL DRYRUN for the user ACL WHOAMI names; nothing is run.)
  | { kind: "aclDryRun"; commands: Uint8Array[][] };

export type OperationKind = Operation["kind"];

/**
 * When a batch expire applies to a key: always; only to keys without a TTL (Redis EXPIRE NX); only
 * when the new TTL is lower than the current one, no TTL counting as infinite (LT); only when it is
 * higher, keys without a TTL never (GT).
 */
export type ExpireCondition = "always" | "if-persistent" | "if-lower" | "if-higher";
/** When a batch set writes a key: always, only when missing (SET NX), only when present (SET XX). */
export type SetCondition = "always" | "if-absent" | "if-present";

export interface BatchSetItem {
  key: KeyBytes;
  value: Uint8Array;
  /** Seconds; absent or -1: no expiry. */
  ttlSeconds?: number;
}

/** What one batch step did: keys changed, keys left alone (gone, or the condition said no), keys that failed. */
export interface BatchOutcome {
  applied: number;
  skipped: number;
  failed: number;
  /** The first few per-key errors, for the execution's timeline. */
  errors?: string[];
}

/** One page of one shard's listing; `nodes[i]` is the server that listed `keys[i]` (Memcached). */
export interface ShardScanPage {
  keys: KeyBytes[];
  cursor: string;
  done: boolean;
  nodes?: string[];
  bestEffort?: string;
  /** Keys the shard holds in all (first page only, when cheap to know): sizes the de-dup set. */
  total?: number;
}

/** ACL DRYRUN answers for the connection's user: per command, undefined if allowed, else why not. */
export interface AclDryRun {
  user: string;
  denied: (string | undefined)[];
}

/** Type (when asked) and TTL of a key in bulk; ttlMs -2: missing, -1: no expiry. */
export interface KeyState {
  type?: ValueType;
  ttlMs: number;
}
export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;

export interface KeyInfo {
  key: KeyBytes;
  type: ValueType;
  /** Remaining time to live in ms; -1 no expiry; -2 the key does not exist. */
  ttlMs: number;
  /** Bytes the key uses (MEMORY USAGE on Redis, item size on Memcached) when the engine tells. */
  sizeBytes?: number;
}

export interface ScanPage {
  keys: KeyBytes[];
  cursor: string;
  done: boolean;
  /** Keys the server holds in total (DBSIZE), when known: the "scanned X of N" figure. */
  total?: number;
  /** Set when the listing is not an exact snapshot (Memcached metadump). */
  bestEffort?: string;
}

export interface ValueRead {
  key: KeyBytes;
  type: ValueType;
  ttlMs: number;
  /** The value of a string key; collections are read page by page by their own operations. */
  value?: Uint8Array;
  sizeBytes?: number;
}

export interface EngineStats {
  engine: "redis" | "memcached";
  version?: string;
  /** Flat name → value pairs as the engine reports them (INFO fields or memcached stats). */
  fields: Record<string, string>;
  keys?: number;
}

export interface CollectionPage<T> {
  items: T[];
  cursor: string;
  done: boolean;
  /** Members in the whole collection (HLEN, LLEN, SCARD, ZCARD, XLEN). */
  length: number;
}

export interface FieldValue {
  field: Uint8Array;
  value: Uint8Array;
}

export interface ScoredMember {
  member: Uint8Array;
  score: number;
}

export interface StreamEntry {
  id: string;
  fields: [Uint8Array, Uint8Array][];
}

/** A RESP reply, binary-safe: bulk strings stay bytes. */
export type RespValue =
  | { type: "nil" }
  | { type: "integer"; value: number }
  | { type: "status"; value: string }
  | { type: "error"; value: string }
  | { type: "bulk"; value: Uint8Array }
  | { type: "array"; value: RespValue[] };

/** What COMMAND INFO says of a command: enough to classify it. */
export interface CommandDoc {
  name: string;
  /** Server flags (write, readonly, admin, dangerous, noscript, ...). */
  flags: string[];
  /** ACL categories (@write, @dangerous, @keyspace, ...). */
  categories: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  known: boolean;
  /** Key specs' flags (Redis 7: RO, RW, OW, RM, access, insert, update, delete...), one list a spec. */
  keySpecFlags?: string[][];
  /** Subcommand names of a container command (CONFIG → get, set, ...), lower case. */
  subcommands?: string[];
}

export interface SlowlogEntry {
  id: number;
  ts: number;
  durationMicros: number;
  /**
   * Command name and key names only: other arguments become "<N bytes>"
   * (docs/design/safety.md#redaction).
   */
  command: string[];
  /**
   * Which arguments of `command` are key names, with their bytes, so redaction rules can hide
   * sensitive names before the entry is recorded. Not part of a JSON answer.
   */
  keys?: { at: number; key: Uint8Array }[];
  client?: string;
  node?: string;
}

/** LATENCY LATEST and HISTORY of every primary (Redis). */
export interface LatencyReport {
  /** LATENCY records nothing until latency-monitor-threshold is set (0 = off). */
  enabled: boolean;
  thresholdMs?: number;
  /** Why it is off or unknown, for the user. */
  reason?: string;
  /** Recorded spikes: event name (command, fork, expire-cycle, ...), when, how long. */
  samples: { node?: string; event: string; ts: number; latencyMs: number }[];
}

/** One keyspace notification: the event and the key (never a value; Redis sends none). */
export interface KeyspaceNotification {
  event: string;
  key: Uint8Array;
  db: number;
  node?: string;
}

/** A live feed on its own connection(s); keyspace notifications are fire-and-forget. */
export interface KeyspaceSubscription {
  onEvent(listener: (n: KeyspaceNotification) => void): void;
  /** Called once when the feed stops by itself (connection lost), with why. */
  onEnd(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

/**
 * Keyspace notifications as the server has them configured (notify-keyspace-events). Never
 * switched on by us: when off, `enabled` is false with the reason and there is no subscription.
 */
export interface KeyspaceFeed {
  enabled: boolean;
  flags?: string;
  reason?: string;
  subscription?: KeyspaceSubscription;
}

/**
 * A key's pre-image, engine-specific but opaque to the core: Redis DUMP bytes (value, type and
 * encoding) with the PTTL read in the same round trip; Memcached value and client flags.
 */
export interface KeyDump {
  key: KeyBytes;
  existed: boolean;
  type: ValueType;
  /** Absolute expiry (ms since epoch) computed from PTTL at capture; null when none. */
  absoluteExpiryMs: number | null;
  payload?: Uint8Array;
  /** Memcached client flags. */
  flags?: number;
  sizeBytes: number;
  /** Which server holds it (cluster node or memcached pool member), when that matters. */
  node?: string;
}

export interface KeyRestore {
  key: KeyBytes;
  /** false: the key did not exist before, so restoring deletes it. */
  existed: boolean;
  absoluteExpiryMs: number | null;
  payload?: Uint8Array;
  flags?: number;
}

export interface RestoreOutcome {
  key: KeyBytes;
  status: "restored" | "deleted" | "skipped" | "failed";
  reason?: string;
}

/** The result type of each operation kind: `execute` is typed by it, so a mismatch will not compile. */
export interface OperationResults {
  ping: { latencyMs: number };
  stats: EngineStats;
  scan: ScanPage;
  describe: KeyInfo[];
  get: ValueRead;
  set: { written: true };
  delete: { deleted: number };
  expire: { applied: boolean };
  rename: { renamed: boolean };
  slowlog: SlowlogEntry[];
  latency: LatencyReport;
  keyspaceEvents: KeyspaceFeed;
  commandInfo: CommandDoc[];
  hashScan: CollectionPage<FieldValue>;
  hashSet: { created: boolean };
  hashDelete: { removed: number };
  listRange: CollectionPage<Uint8Array>;
  listPush: { length: number };
  listSet: { written: true };
  listRemoveAt: { removed: boolean };
  setScan: CollectionPage<Uint8Array>;
  setAdd: { added: number };
  setRemove: { removed: number };
  zsetRange: CollectionPage<ScoredMember>;
  zsetAdd: { created: boolean };
  zsetRemove: { removed: number };
  streamRange: CollectionPage<StreamEntry>;
  streamAdd: { id: string };
  streamDelete: { removed: number };
  raw: { reply: RespValue };
  dump: KeyDump[];
  restore: RestoreOutcome[];
  shards: { shards: string[] };
  scanShard: ShardScanPage;
  inspectBatch: KeyState[];
  deleteBatch: BatchOutcome;
  expireBatch: BatchOutcome;
  setBatch: BatchOutcome;
  aclDryRun: AclDryRun;
}

export type ResultOf<O extends Operation> = OperationResults[O["kind"]];
