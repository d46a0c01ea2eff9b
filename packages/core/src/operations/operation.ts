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
  | { kind: "scan"; cursor: string; match?: string; type?: ValueType; count?: number }
  | { kind: "describe"; keys: KeyBytes[] }
  | { kind: "get"; key: KeyBytes }
  | { kind: "set"; key: KeyBytes; value: Uint8Array; ttlSeconds?: number }
  | { kind: "delete"; keys: KeyBytes[] }
  | { kind: "expire"; key: KeyBytes; ttlSeconds: number };

export type OperationKind = Operation["kind"];
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
}

export type ResultOf<O extends Operation> = OperationResults[O["kind"]];
