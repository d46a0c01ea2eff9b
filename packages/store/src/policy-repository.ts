import {
  type ForcedReadOnlyPolicy,
  type HeldSubject,
  idSubject,
  type LockCoverageStore,
  MANAGED_LOCK_PREFIX,
  type PolicyRepository,
  USER_LOCK_PREFIX,
  userLock,
} from "@cachify/core";
import type Database from "better-sqlite3";

interface PolicyRow {
  profile_id: string;
  reason: string;
  source: ForcedReadOnlyPolicy["source"];
  created_at: number;
}

type HeldRow = { subject: string; lock: string } & Partial<PolicyRow>;

/**
 * Forced read-only policies, one per profile, in `forced_read_only_policies`, and what every lock
 * holds on to (profile ids and addresses) in `read_only_coverage`. A user lock is named after the
 * profile it was forced on (`user:<id>`): forcing holds that id, clearing lets go of everything.
 */
export class SqlitePolicyRepository implements PolicyRepository, LockCoverageStore {
  readonly #get: Database.Statement<[string], PolicyRow>;
  readonly #all: Database.Statement<[], PolicyRow>;
  readonly #upsert: Database.Statement<[ForcedReadOnlyPolicy]>;
  readonly #clear: Database.Statement<[string]>;
  readonly #heldOne: Database.Statement<[string], HeldRow>;
  readonly #heldMany: Database.Statement<[string], HeldRow>;
  readonly #cover: Database.Statement<[string, string, number]>;
  readonly #release: Database.Statement<[string]>;
  readonly #managed: Database.Statement<[], string>;
  readonly #any: Database.Statement<[], number>;
  readonly #coverAll: (pairs: readonly { lock: string; subject: string }[]) => void;
  readonly #releaseAll: (locks: readonly string[]) => void;
  readonly #force: (policy: ForcedReadOnlyPolicy) => void;
  readonly #unforce: (profileId: string) => number;

  constructor(db: Database.Database) {
    const columns = "profile_id, reason, source, created_at";
    this.#get = db.prepare(`SELECT ${columns} FROM forced_read_only_policies WHERE profile_id = ?`);
    this.#all = db.prepare(
      `SELECT ${columns} FROM forced_read_only_policies ORDER BY created_at, profile_id`,
    );
    this.#upsert = db.prepare(`
      INSERT INTO forced_read_only_policies (profile_id, reason, source, created_at)
      VALUES (@profileId, @reason, @source, @createdAt)
      ON CONFLICT (profile_id) DO UPDATE SET
        reason = excluded.reason, source = excluded.source, created_at = excluded.created_at`);
    this.#clear = db.prepare("DELETE FROM forced_read_only_policies WHERE profile_id = ?");
    // A user lock's policy row comes along, so one query answers "is this profile locked, why".
    const held = `SELECT c.subject, c.lock, p.profile_id, p.reason, p.source, p.created_at
      FROM read_only_coverage c LEFT JOIN forced_read_only_policies p
        ON c.lock LIKE '${USER_LOCK_PREFIX}%' AND p.profile_id = substr(c.lock, ${USER_LOCK_PREFIX.length + 1})`;
    this.#heldOne = db.prepare(`${held} WHERE c.subject = ?`);
    this.#heldMany = db.prepare(`${held} WHERE c.subject IN (SELECT value FROM json_each(?))`);
    this.#cover = db.prepare(
      "INSERT OR IGNORE INTO read_only_coverage (subject, lock, created_at) VALUES (?, ?, ?)",
    );
    this.#release = db.prepare("DELETE FROM read_only_coverage WHERE lock = ?");
    this.#any = db.prepare<[], number>("SELECT 1 FROM read_only_coverage LIMIT 1").pluck();
    // A range on the lock index: ";" is the character after ":".
    this.#managed = db
      .prepare<[], string>(
        `SELECT DISTINCT lock FROM read_only_coverage WHERE lock >= '${MANAGED_LOCK_PREFIX}' AND lock < '${MANAGED_LOCK_PREFIX.slice(0, -1)};'`,
      )
      .pluck();
    this.#coverAll = db.transaction((pairs: readonly { lock: string; subject: string }[]) => {
      const now = Date.now();
      for (const p of pairs) this.#cover.run(p.subject, p.lock, now);
    });
    this.#releaseAll = db.transaction((locks: readonly string[]) => {
      for (const l of locks) this.#release.run(l);
    });
    this.#force = db.transaction((policy: ForcedReadOnlyPolicy) => {
      this.#upsert.run({
        profileId: policy.profileId,
        reason: policy.reason,
        source: policy.source,
        createdAt: policy.createdAt,
      });
      this.#cover.run(idSubject(policy.profileId), userLock(policy.profileId), policy.createdAt);
    });
    this.#unforce = db.transaction((profileId: string) => {
      this.#release.run(userLock(profileId));
      return this.#clear.run(profileId).changes;
    });
  }

  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined {
    const row = this.#get.get(profileId);
    return row && fromRow(row);
  }

  listForced(): ForcedReadOnlyPolicy[] {
    return this.#all.all().map(fromRow);
  }

  /** Sets or replaces the policy of `policy.profileId`; its lock holds that profile's id. */
  force(policy: ForcedReadOnlyPolicy): void {
    this.#force(policy);
  }

  /** Removes the policy and lets go of everything its lock held. */
  clear(profileId: string): boolean {
    return this.#unforce(profileId) > 0;
  }

  holdsAny(): boolean {
    return this.#any.get() !== undefined;
  }

  held(subjects: readonly string[]): HeldSubject[] {
    if (subjects.length === 0) return [];
    const rows =
      subjects.length === 1
        ? this.#heldOne.all(subjects[0]!)
        : this.#heldMany.all(JSON.stringify(subjects));
    return rows.map((r) => {
      const h: HeldSubject = { subject: r.subject, lock: r.lock };
      if (r.profile_id != null) h.policy = fromRow(r as PolicyRow);
      return h;
    });
  }

  cover(pairs: readonly { lock: string; subject: string }[]): void {
    if (pairs.length > 0) this.#coverAll(pairs);
  }

  managedLocks(): string[] {
    return this.#managed.all();
  }

  release(locks: readonly string[]): void {
    if (locks.length > 0) this.#releaseAll(locks);
  }
}

function fromRow(row: PolicyRow): ForcedReadOnlyPolicy {
  return {
    profileId: row.profile_id,
    reason: row.reason,
    source: row.source,
    createdAt: row.created_at,
  };
}
