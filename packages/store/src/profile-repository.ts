import {
  CachifyError,
  type ConnectionProfile,
  type ErrorClass,
  type ProfileRepository,
  type RetryPolicy,
} from "@cachify/core";
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
  readonly #taken: Database.Statement<[string], string>;
  readonly #count: Database.Statement<[], number>;
  readonly #names: Database.Statement<[], string>;
  readonly #nameOwner: Database.Statement<[string, string], string>;
  readonly #upsert: Database.Statement<[Record<string, unknown>]>;
  readonly #upsertBatch: Database.Statement<unknown[]>;
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
    this.#taken = db
      .prepare<[string], string>(
        "SELECT name FROM profiles WHERE name IN (SELECT value FROM json_each(?))",
      )
      .pluck();
    this.#count = db.prepare<[], number>("SELECT COUNT(*) FROM profiles").pluck();
    this.#names = db.prepare<[], string>("SELECT name FROM profiles").pluck();
    this.#nameOwner = db
      .prepare<[string, string], string>("SELECT id FROM profiles WHERE name = ? AND id <> ?")
      .pluck();
    this.#upsert = db.prepare(`
      INSERT INTO profiles (id, name, data, password) VALUES (@id, @name, @data, @password)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, data = excluded.data, password = excluded.password`);
    // Imports write BATCH rows per statement: one call per row made 150,000 rows take seconds.
    // A name held by another profile fails the UNIQUE index, which rolls the whole batch back.
    this.#upsertBatch = db.prepare(`
      INSERT INTO profiles (id, name, data, password) VALUES ${Array(BATCH).fill("(?, ?, ?, ?)").join(", ")}
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, data = excluded.data, password = excluded.password`);
    this.#remove = db.prepare("DELETE FROM profiles WHERE id = ?");
    // IMMEDIATE: take the write lock before the name check, so another process cannot slip the
    // same name in between the check and the write.
    const saveOne = db.transaction((p: ConnectionProfile) => this.#write(p));
    const saveAll = db.transaction((ps: ConnectionProfile[]) => {
      let i = 0;
      for (; i + BATCH <= ps.length; i += BATCH) {
        const args: unknown[] = new Array(BATCH * 4);
        for (let j = 0; j < BATCH; j++) {
          const r = toRow(ps[i + j]!, this.cipher);
          args[j * 4] = r.id;
          args[j * 4 + 1] = r.name;
          args[j * 4 + 2] = r.data;
          args[j * 4 + 3] = r.password;
        }
        this.#upsertBatch.run(args);
      }
      for (; i < ps.length; i++) this.#write(ps[i]!);
    });
    this.#saveOne = (p) => saveOne.immediate(p);
    this.#saveAll = (ps) => {
      try {
        saveAll.immediate(ps);
      } catch (e) {
        if (sqliteCode(e) !== "SQLITE_CONSTRAINT_UNIQUE") throw e;
        throw nameConflict(this.#firstConflict(ps) ?? "(one of the batch)", e);
      }
    };
  }

  /** The first name of `ps` held by another profile or repeated in `ps` (after a rollback). */
  #firstConflict(ps: ConnectionProfile[]): string | undefined {
    const seen = new Set<string>();
    for (const p of ps) {
      if (seen.has(p.name) || this.#nameOwner.get(p.name, p.id) !== undefined) return p.name;
      seen.add(p.name);
    }
    return undefined;
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

  takenNames(names: readonly string[]): string[] {
    if (names.length === 0) return [];
    // The smaller side is read: every saved name (a big import into a small store), or the
    // given names looked up one by one in the name index.
    const taken = new Set(
      this.#count.get()! <= names.length
        ? this.#names.all()
        : this.#taken.all(JSON.stringify(names)),
    );
    // In the order given (a file's order), each once.
    return [...new Set(names.filter((n) => taken.has(n)))];
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

const BATCH = 500;

/**
 * The retry policy a profile has unless told otherwise, left out of rows that have it: it is half
 * of a row, so an import of 150,000 profiles writes half as much. Spelled out here rather than
 * taken from core, so that a later change of the default never changes a saved profile.
 */
const ROW_DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 1,
  backoff: "exponential",
  initialDelayMs: 100,
  maxDelayMs: 2000,
  multiplier: 2,
  jitter: "full",
  retryOn: Object.freeze([
    "connection",
    "LOADING",
    "TRYAGAIN",
    "CLUSTERDOWN",
    "MASTERDOWN",
    "READONLY",
  ]) as ErrorClass[],
});

function isRowDefault(r: RetryPolicy): boolean {
  const d = ROW_DEFAULT_RETRY;
  return (
    r.maxAttempts === d.maxAttempts &&
    r.backoff === d.backoff &&
    r.initialDelayMs === d.initialDelayMs &&
    r.maxDelayMs === d.maxDelayMs &&
    r.multiplier === d.multiplier &&
    r.jitter === d.jitter &&
    r.retryOn.length === d.retryOn.length &&
    r.retryOn.every((c, i) => c === d.retryOn[i])
  );
}

function toRow(
  profile: ConnectionProfile,
  cipher: LocalCipher,
): { id: string; name: string; data: string; password: string | null } {
  // Whatever else the object carries, id, name and password never go into the JSON; the other
  // secrets (the sentinels' password, the TLS client key of either engine) go in sealed.
  const { id, name, password, retry, ...clear } = profile;
  const rest = sealInner(clear, (t) => sealText(cipher, t));
  return {
    id,
    name,
    data: JSON.stringify(retry && !isRowDefault(retry) ? { ...rest, retry } : rest),
    // Sealed with the local key: the database file alone never reveals a password.
    password: password === undefined ? null : sealText(cipher, password),
  };
}

function fromRow(row: ProfileRow, cipher: LocalCipher): ConnectionProfile {
  const rest = sealInner(
    JSON.parse(row.data) as Omit<ConnectionProfile, "id" | "name" | "password">,
    // Rows saved before these were sealed hold them in clear: openText returns those as they are.
    (t) => openText(cipher, t),
  );
  return {
    id: row.id,
    name: row.name,
    ...rest,
    retry: rest.retry ?? { ...ROW_DEFAULT_RETRY, retryOn: [...ROW_DEFAULT_RETRY.retryOn] },
    ...(row.password === null ? {} : { password: openText(cipher, row.password) }),
  };
}

/**
 * The secrets kept inside a row's JSON (sentinelPassword, tls.key), each passed through `f`
 * (seal on the way in, open on the way out); everything else as it is.
 */
function sealInner<T extends Pick<ConnectionProfile, "sentinelPassword" | "tls">>(
  p: T,
  f: (text: string) => string,
): T {
  const out = { ...p };
  if (p.sentinelPassword !== undefined) out.sentinelPassword = f(p.sentinelPassword);
  if (p.tls?.key !== undefined) out.tls = { ...p.tls, key: f(p.tls.key) };
  return out;
}
