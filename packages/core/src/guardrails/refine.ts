import type { OperationSpec } from "../operations/classify.ts";
import type { KeyInfo, Operation } from "../operations/operation.ts";

/**
 * Some operations are destructive only depending on what the key holds now: SET over an existing
 * key overwrites, SET of a new key creates; EXPIRE that shortens a key's life is destructive, one
 * that removes the TTL is not; RENAME with overwrite replaces the target only if it exists.
 * Returns the keys whose state decides, so the gate can look them up (only when it matters).
 */
export function keysToInspect(op: Operation): Uint8Array[] {
  switch (op.kind) {
    case "set":
    case "expire":
    case "hashSet":
    case "zsetAdd":
      return [op.key];
    case "rename":
      return op.overwrite ? [op.newKey] : [];
    default:
      return [];
  }
}

/** The class once the current state is known. */
export function refineSpec(op: Operation, spec: OperationSpec, info: KeyInfo[]): OperationSpec {
  // RENAMENX never replaces a key: the name moves, nothing is lost.
  if (op.kind === "rename" && !op.overwrite) return { ...spec, class: "write" };
  const current = info[0];
  if (!current) return spec;
  const exists = current.type !== "none";
  switch (op.kind) {
    case "set":
      return exists ? spec : { ...spec, class: "write" };
    case "expire": {
      if (!exists) return { ...spec, class: "write" };
      if (op.ttlSeconds < 0) return { ...spec, class: "write" };
      const longer = current.ttlMs >= 0 && op.ttlSeconds * 1000 >= current.ttlMs;
      return longer ? { ...spec, class: "write" } : spec;
    }
    case "rename":
      return exists ? spec : { ...spec, class: "write" };
    // A new hash or sorted set is created by its first field or member: nothing is overwritten.
    case "hashSet":
    case "zsetAdd":
      return exists ? spec : { ...spec, class: "write" };
    default:
      return spec;
  }
}
