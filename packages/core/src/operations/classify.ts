import type { Operation, OperationKind } from "./operation.ts";

/** read: never changes data. write: creates or changes. destructive: deletes or overwrites. */
export type OperationClass = "read" | "write" | "destructive" | "admin";

export interface OperationSpec {
  class: OperationClass;
  /** Safe to repeat after an ambiguous outcome (a timeout after the request was sent). */
  idempotent: boolean;
  /** Acts on a pattern rather than named keys. */
  bulk: boolean;
}

/**
 * The static class of every kind. A kind missing here will not compile: classification denies by
 * default, so nothing reaches a provider unclassified.
 */
export const OPERATION_SPECS: { readonly [K in OperationKind]: OperationSpec } = {
  ping: { class: "read", idempotent: true, bulk: false },
  stats: { class: "read", idempotent: true, bulk: false },
  scan: { class: "read", idempotent: true, bulk: false },
  describe: { class: "read", idempotent: true, bulk: false },
  get: { class: "read", idempotent: true, bulk: false },
  // SET may overwrite an existing key: destructive until the guardrail stage proves it creates.
  set: { class: "destructive", idempotent: true, bulk: false },
  delete: { class: "destructive", idempotent: true, bulk: false },
  // EXPIRE may shorten a TTL, which is destructive (the key disappears sooner).
  expire: { class: "destructive", idempotent: true, bulk: false },
  // A second RENAME after a lost reply fails or moves another key: never repeat.
  rename: { class: "destructive", idempotent: false, bulk: false },
  slowlog: { class: "read", idempotent: true, bulk: false },
  // Reads of server diagnostics: they change nothing (the feed never turns notifications on).
  latency: { class: "read", idempotent: true, bulk: false },
  keyspaceEvents: { class: "read", idempotent: true, bulk: false },
  commandInfo: { class: "read", idempotent: true, bulk: false },
  hashScan: { class: "read", idempotent: true, bulk: false },
  hashSet: { class: "destructive", idempotent: true, bulk: false },
  hashDelete: { class: "destructive", idempotent: true, bulk: false },
  listRange: { class: "read", idempotent: true, bulk: false },
  listPush: { class: "write", idempotent: false, bulk: false },
  listSet: { class: "destructive", idempotent: true, bulk: false },
  listRemoveAt: { class: "destructive", idempotent: false, bulk: false },
  setScan: { class: "read", idempotent: true, bulk: false },
  setAdd: { class: "write", idempotent: true, bulk: false },
  setRemove: { class: "destructive", idempotent: true, bulk: false },
  zsetRange: { class: "read", idempotent: true, bulk: false },
  zsetAdd: { class: "destructive", idempotent: true, bulk: false },
  zsetRemove: { class: "destructive", idempotent: true, bulk: false },
  streamRange: { class: "read", idempotent: true, bulk: false },
  streamAdd: { class: "write", idempotent: false, bulk: false },
  streamDelete: { class: "destructive", idempotent: true, bulk: false },
  // Raw commands are classified per command from COMMAND INFO (raw-classify.ts); this is the
  // deny-by-default answer for a command the server does not describe.
  raw: { class: "admin", idempotent: false, bulk: false },
  dump: { class: "read", idempotent: true, bulk: false },
  // Putting a pre-image back overwrites what is there now (RESTORE ... REPLACE).
  restore: { class: "destructive", idempotent: true, bulk: false },
  shards: { class: "read", idempotent: true, bulk: false },
  scanShard: { class: "read", idempotent: true, bulk: false },
  inspectBatch: { class: "read", idempotent: true, bulk: false },
  // Workflow batch steps: many keys at once, run only inside an approved execution. Repeating one
  // after a lost reply leaves the same state (UNLINK, EXPIRE to a fixed TTL, SET to a fixed value).
  deleteBatch: { class: "destructive", idempotent: true, bulk: true },
  expireBatch: { class: "destructive", idempotent: true, bulk: true },
  setBatch: { class: "destructive", idempotent: true, bulk: true },
  // Asks whether commands would be allowed; runs none of them.
  aclDryRun: { class: "read", idempotent: true, bulk: false },
};

export function classify(op: Operation): OperationSpec {
  return OPERATION_SPECS[op.kind];
}

export function isMutation(spec: OperationSpec): boolean {
  return spec.class !== "read";
}

/** Keys an operation names, for audit and snapshots. */
export function operationKeys(op: Operation): Uint8Array[] {
  switch (op.kind) {
    case "get":
    case "set":
    case "expire":
    case "hashScan":
    case "hashSet":
    case "hashDelete":
    case "listRange":
    case "listPush":
    case "listSet":
    case "listRemoveAt":
    case "setScan":
    case "setAdd":
    case "setRemove":
    case "zsetRange":
    case "zsetAdd":
    case "zsetRemove":
    case "streamRange":
    case "streamAdd":
    case "streamDelete":
      return [op.key];
    case "rename":
      return [op.key, op.newKey];
    case "delete":
    case "describe":
    case "dump":
    case "deleteBatch":
    case "expireBatch":
    case "inspectBatch":
      return op.keys;
    case "setBatch":
      return op.items.map((i) => i.key);
    case "restore":
      return op.items.map((i) => i.key);
    default:
      return [];
  }
}
