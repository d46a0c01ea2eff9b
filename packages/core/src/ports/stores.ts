import type { HistoryEvent, HistoryQuery } from "../history/event.ts";
import type { ConnectionProfile } from "../profiles/profile.ts";

export interface ProfileRepository {
  list(): ConnectionProfile[];
  get(id: string): ConnectionProfile | undefined;
  getByName(name: string): ConnectionProfile | undefined;
  /** Which of these names profiles already have, in the order given (one lookup per import). */
  takenNames(names: readonly string[]): string[];
  /** Inserts or replaces; a name taken by another profile is a conflict error. */
  save(profile: ConnectionProfile): void;
  /** Saves all or none (imports). */
  saveMany(profiles: ConnectionProfile[]): void;
  remove(id: string): boolean;
}

export interface HistoryRepository {
  append(event: HistoryEvent): void;
  list(query: HistoryQuery): HistoryEvent[];
}

export interface ForcedReadOnlyPolicy {
  profileId: string;
  reason: string;
  source: "user" | "managed";
  createdAt: number;
}

/** What the gate asks of policies: is this profile forced read-only, and why (fast: per operation). */
export interface ReadOnlyPolicySource {
  forcedReadOnlyFor(profile: ConnectionProfile): ForcedReadOnlyPolicy | undefined;
}

/** Forced read-only policies: set from the UI/CLI, or read from a managed policy file. */
export interface PolicyRepository {
  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined;
  listForced(): ForcedReadOnlyPolicy[];
  force(policy: ForcedReadOnlyPolicy): void;
  clear(profileId: string): boolean;
}
