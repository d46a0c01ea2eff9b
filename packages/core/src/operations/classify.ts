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
      return [op.key];
    case "delete":
    case "describe":
      return op.keys;
    default:
      return [];
  }
}
