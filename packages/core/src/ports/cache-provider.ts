import type { GateTicket } from "../gate/ticket.ts";
import type { Operation, ResultOf, ValueType } from "../operations/operation.ts";
import type { ConnectionProfile, Engine } from "../profiles/profile.ts";

export type KeyListing = "exact" | "best-effort" | "none";

/** What an engine can do, with a reason for each thing it cannot (shown to the user as is). */
export interface Capabilities {
  engine: Engine;
  scan: boolean;
  types: ValueType[];
  ttlRead: boolean;
  ttlWrite: boolean;
  dumpRestore: boolean;
  keyListing: KeyListing;
  stats: boolean;
  cluster: boolean;
  /** Renames a key in place (`rename`). Absent: it cannot. */
  rename?: boolean;
  /** Runs the engine's own commands typed in the console (`raw`). Absent: it cannot. */
  console?: boolean;
  /**
   * Keeps engine events the collector reads: a slow log, a latency monitor, keyspace
   * notifications (each may still be switched off on a given server). Absent: none of them.
   */
  engineEvents?: boolean;
  /**
   * Has users with per-command permissions that a dry-run can check (Redis ACL DRYRUN). Absent:
   * there is nobody to check.
   */
  acl?: boolean;
  reasons: Partial<
    Record<
      | "scan"
      | "types"
      | "dumpRestore"
      | "keyListing"
      | "ttlRead"
      | "rename"
      | "console"
      | "engineEvents",
      string
    >
  >;
}

/** What a snapshot's payload says without the server (see CacheProvider.describeSnapshot). */
export interface SnapshotPayloadView {
  value?: Uint8Array;
  /** The format's version; null: the format has versions but this one was not recognised. */
  formatVersion?: number | null;
}

/**
 * An engine adapter. `execute` demands a GateTicket, which only the operation gate can issue:
 * code outside the gate cannot run an operation on a cache.
 */
export interface CacheProvider {
  readonly profile: ConnectionProfile;
  capabilities(): Capabilities;
  execute<O extends Operation>(op: O, ticket: GateTicket): Promise<ResultOf<O>>;
  /**
   * Reads a snapshot's pre-image as this engine wrote it (no I/O): a string's value, and the
   * format's version where it has one (Redis DUMP's RDB version). Other types: no value.
   */
  describeSnapshot(payload: Uint8Array): SnapshotPayloadView;
  /**
   * Why this engine cannot store `key`, as the end of a sentence naming where it came from
   * ("its key is empty"); undefined when it can. Pure: checked before a plan is stored.
   */
  keyProblem(key: Uint8Array): string | undefined;
  /** Closes connections; pending commands fail with a connection error. */
  close(): Promise<void>;
}

export type ProviderFactory = (profile: ConnectionProfile) => CacheProvider;
