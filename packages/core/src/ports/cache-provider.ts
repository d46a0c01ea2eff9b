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
  reasons: Partial<Record<"scan" | "types" | "dumpRestore" | "keyListing" | "ttlRead", string>>;
}

/**
 * An engine adapter. `execute` demands a GateTicket, which only the operation gate can issue:
 * code outside the gate cannot run an operation on a cache.
 */
export interface CacheProvider {
  readonly profile: ConnectionProfile;
  capabilities(): Capabilities;
  execute<O extends Operation>(op: O, ticket: GateTicket): Promise<ResultOf<O>>;
  /** Closes connections; pending commands fail with a connection error. */
  close(): Promise<void>;
}

export type ProviderFactory = (profile: ConnectionProfile) => CacheProvider;
