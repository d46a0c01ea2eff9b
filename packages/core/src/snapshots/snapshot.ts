import type { KeyBytes } from "../common/keys.ts";
import type { KeyDump } from "../operations/operation.ts";

export type RestoreStatus = "available" | "restored" | "skipped" | "failed";

/**
 * A key's pre-image, written (durably) before the mutation it guards is sent
 * (docs/design/contracts.md#snapshots).
 */
export interface SnapshotRecord {
  snapshotId: string;
  /** The history event of the operation it guards, or the workflow execution. */
  operationId: string;
  executionId?: string;
  profileId: string;
  key: KeyBytes;
  existed: boolean;
  capturedAt: number;
  absoluteExpiryMs: number | null;
  sizeBytes: number;
  /** What the operation was (kind), for the rollback dialog. */
  operation: string;
  /** Engine payload: Redis DUMP bytes, or Memcached value. Encrypted at rest by the store. */
  payload?: Uint8Array;
  flags?: number;
  type: KeyDump["type"];
  node?: string;
  /** Digest of the key right after the mutation ("absent" when it deleted it): a later change is a conflict. */
  afterDigest?: string;
  restoreStatus: RestoreStatus;
}

export interface SnapshotQuery {
  profileId?: string;
  executionId?: string;
  operationId?: string;
  key?: KeyBytes;
  snapshotIds?: string[];
  limit?: number;
}

/**
 * The pre-images one operation (or one workflow batch) captured, saved together: one sealed
 * payload per batch keeps a million-key delete to a thousand encryptions and a thousand payload
 * rows, with one slim row per key for lookups.
 */
export interface SnapshotBatch {
  operationId: string;
  executionId?: string;
  profileId: string;
  /** What the operation was (kind). */
  operation: string;
  capturedAt: number;
  entries: (KeyDump & { afterDigest?: string })[];
}

/** Where pre-images live. `saveBatch` returns only once the batch is durable. */
export interface SnapshotStore {
  /** Saves a batch durably; returns the snapshot id of each entry, in order. */
  saveBatch(batch: SnapshotBatch): string[];
  setAfterDigests(updates: { snapshotId: string; afterDigest: string }[]): void;
  list(query: SnapshotQuery): SnapshotRecord[];
  markRestored(snapshotIds: string[], status: RestoreStatus): void;
  /** Every matching snapshot, newest first, in pages of about `size` (a rollback's walk). */
  pages(query: Omit<SnapshotQuery, "limit">, size: number): Iterable<SnapshotRecord[]>;
  /** How many key snapshots an execution or an operation left, without reading them. */
  count(query: { executionId?: string; operationId?: string }): number;
}

/** Which snapshots a profile's settings leave out (sensitive key patterns), and why. */
export interface SnapshotPolicy {
  enabled: boolean;
  /** Key matcher for patterns whose values are not snapshotted unless the user opted in. */
  excluded?: (key: KeyBytes) => boolean;
}
