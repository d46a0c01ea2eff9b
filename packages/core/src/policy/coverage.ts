import type { ForcedReadOnlyPolicy } from "../ports/stores.ts";
import { profileAddresses } from "../profiles/address.ts";
import type { ConnectionProfile, Environment } from "../profiles/profile.ts";

/**
 * A forced read-only lock holds on to subjects: profile ids (`id:…`) and addresses
 * (`address:redis 10.0.0.5:6379/0`). A profile is locked while its id is held; a profile created
 * at, or moved to, a held address is held from then on (see CombinedPolicies.follow). So a rename,
 * a lowered environment, a clone or a new profile at the same address cannot shed a lock.
 */
export const idSubject = (profileId: string): string => `id:${profileId}`;

export function addressSubjects(p: Parameters<typeof profileAddresses>[0]): string[] {
  return profileAddresses(p).map((a) => `address:${a}`);
}

export function lockSubjects(p: ConnectionProfile): string[] {
  return [idSubject(p.id), ...addressSubjects(p)];
}

/** The lock of `cachify policy force-read-only` on one profile (its row in the policy table). */
export const userLock = (profileId: string): string => `user:${profileId}`;
export const USER_LOCK_PREFIX = "user:";
/** The lock of one rule of the managed policy file: a profile name or an environment. */
export const managedNameLock = (name: string): string => `managed:profile:${name}`;
export const managedEnvironmentLock = (env: Environment): string => `managed:environment:${env}`;
export const MANAGED_LOCK_PREFIX = "managed:";

export interface HeldSubject {
  subject: string;
  lock: string;
  /** For a user lock: its policy (reason, when), if the row is still there. */
  policy?: ForcedReadOnlyPolicy;
}

/** Where locks and their subjects are kept (the local store). */
export interface LockCoverageStore {
  /** Whether any lock holds anything (most stores: none, and nothing needs following). */
  holdsAny(): boolean;
  /** Every (subject, lock) pair held for the given subjects. */
  held(subjects: readonly string[]): HeldSubject[];
  /** Adds subjects to locks; pairs already held are kept as they are. */
  cover(pairs: readonly { lock: string; subject: string }[]): void;
  /** The managed locks that hold anything (the rules of managed files seen so far). */
  managedLocks(): string[];
  /** Lets go of everything these locks hold. */
  release(locks: readonly string[]): void;
}
