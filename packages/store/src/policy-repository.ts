import type { ForcedReadOnlyPolicy, PolicyRepository } from "@cachify/core";
import type Database from "better-sqlite3";

interface PolicyRow {
  profile_id: string;
  reason: string;
  source: ForcedReadOnlyPolicy["source"];
  created_at: number;
}

/** Forced read-only policies, one per profile, in `forced_read_only_policies`. */
export class SqlitePolicyRepository implements PolicyRepository {
  readonly #get: Database.Statement<[string], PolicyRow>;
  readonly #all: Database.Statement<[], PolicyRow>;
  readonly #upsert: Database.Statement<[ForcedReadOnlyPolicy]>;
  readonly #clear: Database.Statement<[string]>;

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
  }

  forcedReadOnly(profileId: string): ForcedReadOnlyPolicy | undefined {
    const row = this.#get.get(profileId);
    return row && fromRow(row);
  }

  listForced(): ForcedReadOnlyPolicy[] {
    return this.#all.all().map(fromRow);
  }

  /** Sets or replaces the policy of `policy.profileId`. */
  force(policy: ForcedReadOnlyPolicy): void {
    this.#upsert.run({
      profileId: policy.profileId,
      reason: policy.reason,
      source: policy.source,
      createdAt: policy.createdAt,
    });
  }

  clear(profileId: string): boolean {
    return this.#clear.run(profileId).changes > 0;
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
