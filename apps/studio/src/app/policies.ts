import {
  addressSubjects,
  CachifyError,
  type ConnectionProfile,
  type ForcedReadOnlyPolicy,
  type HeldSubject,
  idSubject,
  type LockCoverageStore,
  lockSubjects,
  MANAGED_LOCK_PREFIX,
  type PolicyRepository,
  type ProfileRepository,
  type ReadOnlyPolicySource,
  sameAddresses,
  USER_LOCK_PREFIX,
  userLock,
} from "@cachify/core";
import {
  type ManagedPolicy,
  type ManagedPolicySource,
  type ManagedState,
  matchedRules,
} from "./managed-policy.ts";

/** A profile saved (`before` absent: created) or removed (`after` is `before`). */
export interface ProfileMove {
  before?: ConnectionProfile;
  after: ConnectionProfile;
}

/**
 * Forced read-only from both sources: the user's (UI/CLI, in the store) and the managed policy
 * file. The managed file wins and cannot be cleared from here. Every lock holds on to profile ids
 * and addresses (core policy/coverage.ts): a profile is locked while a lock holds its id, and
 * `follow` keeps that true across renames, environment changes, clones and re-imports.
 */
export class CombinedPolicies implements PolicyRepository, ReadOnlyPolicySource {
  private syncedVersion = -1;

  constructor(
    private readonly user: PolicyRepository & LockCoverageStore,
    private readonly managed: ManagedPolicySource,
    private readonly profiles: Pick<ProfileRepository, "get" | "list">,
  ) {}

  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined {
    const profile = this.profiles.get(profileId);
    return profile ? this.forcedReadOnlyFor(profile) : this.user.forcedReadOnly(profileId);
  }

  /** Per operation: one look at the managed file's state (cached) and one indexed query. */
  forcedReadOnlyFor(profile: ConnectionProfile): ForcedReadOnlyPolicy | undefined {
    const state = this.managedNow();
    return this.decide(profile, state, this.user.held([idSubject(profile.id)]));
  }

  /** The same answer for many profiles in one query (the views of an import). */
  forcedReadOnlyForAll(profiles: ConnectionProfile[]): (ForcedReadOnlyPolicy | undefined)[] {
    const state = this.managedNow();
    const held = groupBySubject(this.user.held(profiles.map((p) => idSubject(p.id))));
    return profiles.map((p) => this.decide(p, state, held.get(idSubject(p.id)) ?? []));
  }

  listForced(): ForcedReadOnlyPolicy[] {
    return this.user.listForced();
  }

  /** Forces `policy.profileId` read-only: its lock holds the profile's id and its addresses. */
  force(policy: ForcedReadOnlyPolicy): void {
    this.user.force(policy);
    const profile = this.profiles.get(policy.profileId);
    if (profile) {
      const lock = userLock(profile.id);
      this.user.cover(addressSubjects(profile).map((subject) => ({ lock, subject })));
    }
  }

  /**
   * Clears every user lock that holds the profile (its own, and one it inherited as a clone or a
   * profile at a locked address): afterwards it can change. A managed lock is refused.
   */
  clear(profileId: string): boolean {
    const profile = this.profiles.get(profileId);
    const forced = profile ? this.forcedReadOnlyFor(profile) : undefined;
    if (profile && forced?.source === "managed") {
      throw new CachifyError(
        "read-only",
        `"${profile.name}" is read-only by the managed policy file (${this.managed.path}); the studio never edits that file: ask its owner.`,
        { details: { profile: profile.name } },
      );
    }
    const owners = new Set([profileId]);
    for (const h of this.user.held([idSubject(profileId)])) {
      if (h.lock.startsWith(USER_LOCK_PREFIX)) owners.add(h.lock.slice(USER_LOCK_PREFIX.length));
    }
    let cleared = false;
    for (const owner of owners) cleared = this.user.clear(owner) || cleared;
    return cleared;
  }

  /**
   * Keeps the locks on profiles that are created, changed or removed. The locks that hold a
   * profile before the change (its id, or a managed rule it matches) hold its id and addresses
   * after it; a profile created at, or moved to, an address a lock holds is held by that lock.
   * Profiles that were already at that address keep their own state.
   */
  follow(moves: readonly ProfileMove[]): void {
    const state = this.managedNow();
    const policy = state.error ? undefined : state.policy;
    // No lock anywhere and no rule to match: nothing to follow (most stores, and big imports).
    if (!policy?.locks.size && !this.user.holdsAny()) return;
    const moved = (m: ProfileMove) => !m.before || !sameAddresses(m.before, m.after);
    const ask = new Set<string>();
    for (const m of moves) {
      if (m.before) ask.add(idSubject(m.before.id));
      if (moved(m)) for (const s of addressSubjects(m.after)) ask.add(s);
    }
    const held = groupBySubject(this.user.held([...ask]).filter(isActive));
    const pairs: { lock: string; subject: string }[] = [];
    for (const m of moves) {
      const locks = new Set<string>();
      const heldBy = (subject: string) => {
        for (const h of held.get(subject) ?? []) locks.add(h.lock);
      };
      if (policy) {
        for (const l of matchedRules(policy, m.after)) locks.add(l);
        if (m.before) for (const l of matchedRules(policy, m.before)) locks.add(l);
      }
      if (m.before) heldBy(idSubject(m.before.id));
      if (moved(m)) for (const s of addressSubjects(m.after)) heldBy(s);
      if (locks.size === 0) continue;
      const subjects = new Set([
        ...lockSubjects(m.after),
        ...(m.before ? lockSubjects(m.before) : []),
      ]);
      for (const lock of locks) for (const subject of subjects) pairs.push({ lock, subject });
    }
    this.user.cover(pairs);
  }

  /** The managed file's state, its locks brought in line first whenever the file changed. */
  private managedNow(): ManagedState {
    const state = this.managed.current();
    if (state.version !== this.syncedVersion) {
      // A broken file locks everything anyway: its last good locks are kept until it is fixed.
      if (!state.error) this.syncManaged(state.policy);
      this.syncedVersion = state.version;
    }
    return state;
  }

  /**
   * The locks of rules the file no longer has let go (removing a rule lifts what it locked);
   * every profile a rule matches now is held by its lock, so a later rename, lowering or clone
   * cannot shed it. Writes only what is missing.
   */
  private syncManaged(policy: ManagedPolicy | undefined): void {
    this.user.release(this.user.managedLocks().filter((l) => !policy?.locks.has(l)));
    if (!policy || policy.locks.size === 0) return;
    const wanted: { lock: string; subject: string }[] = [];
    for (const p of this.profiles.list()) {
      for (const lock of matchedRules(policy, p))
        for (const subject of lockSubjects(p)) wanted.push({ lock, subject });
    }
    const have = new Set(
      this.user.held([...new Set(wanted.map((w) => w.subject))]).map((h) => pairKey(h)),
    );
    this.user.cover(wanted.filter((w) => !have.has(pairKey(w))));
  }

  private decide(
    profile: ConnectionProfile,
    state: ManagedState,
    held: HeldSubject[],
  ): ForcedReadOnlyPolicy | undefined {
    const managed = (reason: string): ForcedReadOnlyPolicy => ({
      profileId: profile.id,
      reason,
      source: "managed",
      createdAt: 0,
    });
    if (state.error) return managed(this.managed.failSafeReason(state.error));
    const policy = state.policy;
    if (
      policy &&
      (matchedRules(policy, profile).length > 0 || held.some((h) => policy.locks.has(h.lock)))
    ) {
      return managed(this.managed.reason(policy));
    }
    // Its own policy first (its reason), else the one it inherited.
    const own = held.find((h) => h.lock === userLock(profile.id) && h.policy);
    return (own ?? held.find((h) => h.policy))?.policy;
  }
}

/** A held pair that still locks: a managed rule's (stale ones are released) or a user policy's. */
function isActive(h: HeldSubject): boolean {
  return h.lock.startsWith(MANAGED_LOCK_PREFIX) || h.policy !== undefined;
}

function groupBySubject(held: HeldSubject[]): Map<string, HeldSubject[]> {
  const out = new Map<string, HeldSubject[]>();
  for (const h of held) {
    const list = out.get(h.subject);
    if (list) list.push(h);
    else out.set(h.subject, [h]);
  }
  return out;
}

const pairKey = (p: { lock: string; subject: string }) => `${p.lock}\n${p.subject}`;
