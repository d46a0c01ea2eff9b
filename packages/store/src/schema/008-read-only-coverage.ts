import { addressSubjects, type ConnectionProfile, idSubject, userLock } from "@cachify/core";
import type { Migration } from "./migration.ts";

/**
 * What each forced read-only lock holds on to: profile ids and addresses (core policy/coverage.ts),
 * so a lock follows a renamed profile and covers a new profile at a locked address. Policies
 * forced before this step hold their profile's id and its address from now on.
 */
export const readOnlyCoverageMigration: Migration = {
  version: 8,
  name: "read-only coverage",
  up(db) {
    db.exec(`
      CREATE TABLE read_only_coverage (
        subject TEXT NOT NULL,
        lock TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (subject, lock)
      ) WITHOUT ROWID;
      CREATE INDEX read_only_coverage_lock ON read_only_coverage (lock);
    `);
    const insert = db.prepare(
      "INSERT OR IGNORE INTO read_only_coverage (subject, lock, created_at) VALUES (?, ?, ?)",
    );
    const policies = db
      .prepare("SELECT profile_id, created_at FROM forced_read_only_policies")
      .all() as { profile_id: string; created_at: number }[];
    const profile = db.prepare("SELECT data FROM profiles WHERE id = ?").pluck();
    for (const p of policies) {
      const lock = userLock(p.profile_id);
      insert.run(idSubject(p.profile_id), lock, p.created_at);
      const data = profile.get(p.profile_id) as string | undefined;
      if (data === undefined) continue;
      const fields = JSON.parse(data) as ConnectionProfile;
      for (const s of addressSubjects(fields)) insert.run(s, lock, p.created_at);
    }
  },
};
