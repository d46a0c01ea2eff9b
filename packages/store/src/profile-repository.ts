import { CachifyError, type ConnectionProfile, type ProfileRepository } from "@cachify/core";
import type Database from "better-sqlite3";
import { type LocalCipher, openText, sealText } from "./local-cipher.ts";
import { sqliteCode } from "./sqlite-errors.ts";

interface ProfileRow {
  id: string;
  name: string;
  data: string;
  password: string | null;
}

/** Profiles in the `profiles` table: id and name as columns, the password in its own column. */
export class SqliteProfileRepository implements ProfileRepository {
  readonly #all: Database.Statement<[], ProfileRow>;
  readonly #byId: Database.Statement<[string], ProfileRow>;
  readonly #byName: Database.Statement<[string], ProfileRow>;
  readonly #nameOwner: Database.Statement<[string, string], string>;
  readonly #upsert: Database.Statement<[Record<string, unknown>]>;
  readonly #remove: Database.Statement<[string]>;
  readonly #saveOne: (profile: ConnectionProfile) => void;
  readonly #saveAll: (profiles: ConnectionProfile[]) => void;

  constructor(
    db: Database.Database,
    private readonly cipher: LocalCipher,
  ) {
    const columns = "id, name, data, password";
    this.#all = db.prepare(`SELECT ${columns} FROM profiles ORDER BY name COLLATE NOCASE, id`);
    this.#byId = db.prepare(`SELECT ${columns} FROM profiles WHERE id = ?`);
    this.#byName = db.prepare(`SELECT ${columns} FROM profiles WHERE name = ?`);
    this.#nameOwner = db
      .prepare<[string, string], string>("SELECT id FROM profiles WHERE name = ? AND id <> ?")
      .pluck();
    this.#upsert = db.prepare(`
      INSERT INTO profiles (id, name, data, password) VALUES (@id, @name, @data, @password)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, data = excluded.data, password = excluded.password`);
    this.#remove = db.prepare("DELETE FROM profiles WHERE id = ?");
    // IMMEDIATE: take the write lock before the name check, so another process cannot slip the
    // same name in between the check and the write.
    const saveOne = db.transaction((p: ConnectionProfile) => this.#write(p));
    const saveAll = db.transaction((ps: ConnectionProfile[]) => {
      for (const p of ps) this.#write(p);
    });
    this.#saveOne = (p) => saveOne.immediate(p);
    this.#saveAll = (ps) => saveAll.immediate(ps);
  }

  list(): ConnectionProfile[] {
    return this.#all.all().map((r) => fromRow(r, this.cipher));
  }

  get(id: string): ConnectionProfile | undefined {
    const row = this.#byId.get(id);
    return row && fromRow(row, this.cipher);
  }

  getByName(name: string): ConnectionProfile | undefined {
    const row = this.#byName.get(name);
    return row && fromRow(row, this.cipher);
  }

  save(profile: ConnectionProfile): void {
    this.#saveOne(profile);
  }

  /** All or none: the first conflict rolls back every profile of the batch. */
  saveMany(profiles: ConnectionProfile[]): void {
    this.#saveAll(profiles);
  }

  remove(id: string): boolean {
    return this.#remove.run(id).changes > 0;
  }

  #write(profile: ConnectionProfile): void {
    if (this.#nameOwner.get(profile.name, profile.id) !== undefined) {
      throw nameConflict(profile.name);
    }
    try {
      this.#upsert.run(toRow(profile, this.cipher));
    } catch (e) {
      // The UNIQUE index is the last word (the check above makes this rare).
      if (sqliteCode(e) === "SQLITE_CONSTRAINT_UNIQUE") throw nameConflict(profile.name, e);
      throw e;
    }
  }
}

function nameConflict(name: string, cause?: unknown): CachifyError {
  return new CachifyError(
    "conflict",
    `A profile named ${name} already exists: choose another name or remove it first.`,
    { details: { name }, ...(cause === undefined ? {} : { cause }) },
  );
}

function toRow(profile: ConnectionProfile, cipher: LocalCipher): Record<string, unknown> {
  // Whatever else the object carries, id, name and password never go into the JSON.
  const { id, name, password, ...rest } = profile;
  return {
    id,
    name,
    data: JSON.stringify(rest),
    // Sealed with the local key: the database file alone never reveals a password.
    password: password === undefined ? null : sealText(cipher, password),
  };
}

function fromRow(row: ProfileRow, cipher: LocalCipher): ConnectionProfile {
  const rest = JSON.parse(row.data) as Omit<ConnectionProfile, "id" | "name" | "password">;
  return {
    id: row.id,
    name: row.name,
    ...rest,
    ...(row.password === null ? {} : { password: openText(cipher, row.password) }),
  };
}
