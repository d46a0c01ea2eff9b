import fs from "node:fs";
import path from "node:path";
import type {
  KeyRedactor,
  LockCoverageStore,
  PolicyRepository,
  ProfileRepository,
} from "@cachify/core";
import { CachifyError } from "@cachify/core";
import Database from "better-sqlite3";
import { SqliteAlertRepository } from "./alert-repository.ts";
import { SqliteExecutionRepository } from "./execution-repository.ts";
import { SqliteFeatureSettings } from "./feature-settings.ts";
import { SqliteGuardrailSettings } from "./guardrail-settings.ts";
import { SqliteHistoryRepository, type StoreHistoryRepository } from "./history-repository.ts";
import { KEY_REDACTION_PURPOSE, SensitiveKeyRedactor } from "./key-redactor.ts";
import { LocalCipher } from "./local-cipher.ts";
import { SqliteMetricRepository } from "./metric-repository.ts";
import { SqliteObservabilitySettings } from "./metric-settings.ts";
import { SqliteTimelineQueries } from "./metric-timeline.ts";
import { runMigrations } from "./migrations.ts";
import { SqlitePlanRepository } from "./plan-repository.ts";
import { SqlitePolicyRepository } from "./policy-repository.ts";
import { SqliteProfileRepository } from "./profile-repository.ts";
import { SqliteSavedTemplateRepository } from "./saved-template-repository.ts";
import { SqliteSnapshotRepository } from "./snapshot-repository.ts";
import { SqliteSnapshotSettings } from "./snapshot-settings.ts";
import { isCorruptionError, storageHint } from "./sqlite-errors.ts";

export const DB_FILE_NAME = "cachify.db";
/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const SQLITE_HEADER = "SQLite format 3\0";

/** Set when the database file could not be read and was moved aside for a fresh one. */
export interface StoreRecovery {
  /** Where the unreadable file now is (its -wal and -shm, if any, sit beside it). */
  movedTo: string;
  /** Why it was unreadable, for the message to the user. */
  reason: string;
}

export interface Store {
  readonly dataDir: string;
  /** The database file. */
  readonly path: string;
  readonly schemaVersion: number;
  readonly profiles: ProfileRepository;
  readonly history: StoreHistoryRepository;
  /** Forced read-only policies, and what each lock holds on to (profile ids, addresses). */
  readonly policies: PolicyRepository & LockCoverageStore;
  /** Observability: metric rollups, alert rules and notifications, settings, timeline reads. */
  readonly metrics: SqliteMetricRepository;
  readonly alerts: SqliteAlertRepository;
  readonly observability: SqliteObservabilitySettings;
  /** The V2 feature switches (Settings → Features, `cachify settings`). */
  readonly features: SqliteFeatureSettings;
  /** The guardrail levels of dev and staging (Settings → Guardrails, `cachify settings guardrail`). */
  readonly guardrails: SqliteGuardrailSettings;
  readonly timeline: SqliteTimelineQueries;
  readonly snapshots: SqliteSnapshotRepository;
  /** Snapshot retention and sensitive key patterns (Settings → Snapshots). */
  readonly snapshotSettings: SqliteSnapshotSettings;
  /**
   * Redaction rules: names of keys matching a sensitive pattern as records show them (prefix and
   * a keyed hash), for history, the timeline, engine events and workflow records.
   */
  readonly keyRedactor: KeyRedactor;
  /** Workflows: dry-run plans (keys in chunks), executions with their attempts, saved templates. */
  readonly plans: SqlitePlanRepository;
  readonly executions: SqliteExecutionRepository;
  readonly savedTemplates: SqliteSavedTemplateRepository;
  /** Present when this open replaced an unreadable file: tell the user where it went. */
  readonly recovered?: StoreRecovery;
  /** The connection's settings as SQLite reports them (for tests and a "doctor" command). */
  diagnostics(): StoreDiagnostics;
  /** Closes the database; later calls do nothing. */
  close(): void;
}

export interface StoreDiagnostics {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  schemaVersion: number;
}

/**
 * Opens (creating if needed) the store in `dataDir`: the folder readable only by the user, the
 * database file likewise, WAL journaling, migrations brought up to date. A file that is not a
 * SQLite database is moved aside, never deleted, and a fresh store starts (see `recovered`).
 * A database written by a newer version of the app is refused and left untouched.
 */
export function openStore(dataDir: string): Store {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, DB_FILE_NAME);
  ensureDir(dir);

  let recovered: StoreRecovery | undefined;
  const headerProblem = unreadableHeader(file);
  if (headerProblem) recovered = moveAside(file, headerProblem);

  let opened: Opened;
  try {
    opened = openDatabase(file);
  } catch (e) {
    // Only a file SQLite itself calls damaged is moved; any other failure (a lock, a permission,
    // a newer schema, a bug in a migration) is reported and the file is left where it is.
    if (recovered || !isCorruptionError(e)) throw storageError(e, file);
    recovered = moveAside(file, `SQLite could not read it (${(e as Error).message})`);
    try {
      opened = openDatabase(file);
    } catch (e2) {
      const error = storageError(e2, file);
      error.message += ` (The unreadable file was moved to ${recovered.movedTo}.)`;
      throw error;
    }
  }

  const { db, schemaVersion } = opened;
  const cipher = new LocalCipher(dir);
  const snapshotSettings = new SqliteSnapshotSettings(db);
  let closed = false;
  return {
    dataDir: dir,
    path: file,
    schemaVersion,
    profiles: new SqliteProfileRepository(db, cipher),
    history: new SqliteHistoryRepository(db),
    policies: new SqlitePolicyRepository(db),
    metrics: new SqliteMetricRepository(db),
    alerts: new SqliteAlertRepository(db),
    observability: new SqliteObservabilitySettings(db),
    features: new SqliteFeatureSettings(db),
    guardrails: new SqliteGuardrailSettings(db),
    timeline: new SqliteTimelineQueries(db),
    snapshots: new SqliteSnapshotRepository(db, cipher),
    snapshotSettings,
    keyRedactor: new SensitiveKeyRedactor(
      cipher.deriveKey(KEY_REDACTION_PURPOSE),
      () => snapshotSettings.get().sensitive,
    ),
    plans: new SqlitePlanRepository(db, cipher),
    executions: new SqliteExecutionRepository(db),
    savedTemplates: new SqliteSavedTemplateRepository(db, cipher),
    ...(recovered ? { recovered } : {}),
    diagnostics() {
      const get = (pragma: string) => db.pragma(pragma, { simple: true });
      return {
        journalMode: String(get("journal_mode")),
        synchronous: Number(get("synchronous")),
        foreignKeys: get("foreign_keys") === 1,
        busyTimeoutMs: Number(get("busy_timeout")),
        schemaVersion,
      };
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        // Keeps the query planner's statistics current; cheap when there is nothing to do.
        db.pragma("optimize");
      } finally {
        db.close();
      }
    },
  };
}

interface Opened {
  db: Database.Database;
  schemaVersion: number;
}

function openDatabase(file: string): Opened {
  ensureFile(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    // In WAL mode NORMAL cannot corrupt the database; a power cut may lose the last commits.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    const { version } = runMigrations(db);
    return { db, schemaVersion: version };
  } catch (e) {
    db.close();
    throw e;
  }
}

function ensureDir(dir: string): void {
  try {
    const created = fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    // The umask may have narrowed the mode, never widened it; chmod makes it exact. A folder
    // that already existed (the user's own choice of --data-dir) keeps its mode.
    if (created !== undefined) fs.chmodSync(dir, DIR_MODE);
  } catch (e) {
    throw new CachifyError(
      "storage",
      `Cannot create the data folder ${dir}: ${(e as Error).message}. Choose another folder with --data-dir or CACHIFY_HOME.`,
      { cause: e },
    );
  }
}

/** Creates the database file readable only by the user (SQLite gives -wal and -shm its mode). */
function ensureFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, "wx", FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  // It holds connection passwords: tighten a file left readable by others.
  if (process.platform !== "win32") fs.chmodSync(file, FILE_MODE);
}

/** Why the file cannot be a SQLite database, judged by its first 16 bytes; undefined if fine. */
function unreadableHeader(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw storageError(e, file);
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    // An empty file is a valid, empty database to SQLite.
    if (read === 0) return undefined;
    if (read < header.length || header.toString("latin1") !== SQLITE_HEADER) {
      return "it is not a SQLite database (its first bytes are not the SQLite header)";
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Renames the file, then its -wal and -shm, to `<file>.corrupt-<timestamp>[-wal|-shm]`. The WAL
 * must go too: left behind, SQLite would replay it into the fresh database.
 */
function moveAside(file: string, reason: string): StoreRecovery {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 2; [target, `${target}-wal`, `${target}-shm`].some((f) => fs.existsSync(f)); n++) {
    target = `${file}.corrupt-${stamp}-${n}`;
  }
  try {
    fs.renameSync(file, target);
    for (const suffix of ["-wal", "-shm"]) {
      if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
    }
  } catch (e) {
    throw new CachifyError(
      "storage",
      `The database ${file} is unreadable (${reason}) and could not be moved aside: ${(e as Error).message}. Move or rename it yourself, then start again.`,
      { cause: e },
    );
  }
  return { movedTo: target, reason };
}

function storageError(e: unknown, file: string): CachifyError {
  if (e instanceof CachifyError) return e;
  return new CachifyError(
    "storage",
    `Cannot open the database ${file}: ${(e as Error).message}. ${storageHint(e, path.dirname(file))}`,
    { cause: e },
  );
}
