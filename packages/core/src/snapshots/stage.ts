import { CachifyError } from "../common/errors.ts";
import { bytesToBase64 } from "../common/keys.ts";
import type { OperationSpec } from "../operations/classify.ts";
import { operationKeys } from "../operations/classify.ts";
import type { KeyDump, Operation } from "../operations/operation.ts";
import type { RawSpec } from "../operations/raw-classify.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";
import { stateDigest } from "./digest.ts";
import type { SnapshotBatch, SnapshotPolicy, SnapshotStore } from "./snapshot.ts";

/** The keys whose pre-images must be durable before `op` is sent. */
export function keysToSnapshot(op: Operation, spec: OperationSpec): Uint8Array[] {
  if (spec.class === "read") return [];
  if (op.kind === "raw") {
    return "keyIndexes" in spec ? (spec as RawSpec).keyIndexes.map((i) => op.args[i]!) : [];
  }
  return operationKeys(op);
}

/**
 * The state each key is in right after `op`, where it can be known without asking the server:
 * deletions leave nothing, TTL changes leave the value as it was (DUMP carries no TTL), a restore
 * leaves the pre-image. undefined: read it back after the operation.
 */
export function knownAfterDigests(op: Operation, before: KeyDump[]): (string | undefined)[] {
  switch (op.kind) {
    case "delete":
    case "deleteBatch":
      return before.map(() => "absent");
    case "expire":
    case "expireBatch":
      return before.map((d) => stateDigest(d));
    case "restore": {
      // By key, once: a page of a rollback restores thousands of keys.
      const items = new Map(op.items.map((i) => [bytesToBase64(i.key), i] as const));
      return before.map((d) => {
        const item = items.get(bytesToBase64(d.key));
        return item
          ? stateDigest({ existed: item.existed, payload: item.payload, flags: item.flags })
          : undefined;
      });
    }
    default:
      return before.map(() => undefined);
  }
}

/** What the gate's snapshot stage writes: pre-images, and the state its operation left. */
export type SnapshotWriter = Pick<SnapshotStore, "saveBatch" | "setAfterDigests">;

export interface SnapshotDeps {
  store: SnapshotWriter;
  policyFor(profile: ConnectionProfile): SnapshotPolicy;
}

/** Saves the batch or refuses the operation: no mutation goes out without its pre-image. */
export function saveDurably(store: SnapshotWriter, batch: SnapshotBatch, what: string): string[] {
  try {
    return store.saveBatch(batch);
  } catch (e) {
    throw new CachifyError(
      "storage",
      `Refused: the pre-image for ${what} could not be saved (${(e as Error).message}), so nothing was sent. Free disk space in the data folder or make it writable, or turn snapshots off in Settings to proceed without undo.`,
      { cause: e },
    );
  }
}
