import { statfsSync } from "node:fs";

/** The SQLite result code (e.g. SQLITE_NOTADB) of an error or of any error in its cause chain. */
export function sqliteCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for errors that mean the file is not a usable database, as opposed to a bug or a lock. */
export function isCorruptionError(e: unknown): boolean {
  const code = sqliteCode(e);
  return code === "SQLITE_NOTADB" || (code?.startsWith("SQLITE_CORRUPT") ?? false);
}

/** Bytes free for an unprivileged write in `dir`, or undefined when the system cannot tell. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/**
 * What the user can do about a storage failure: SQLite reports a full disk as SQLITE_FULL or, when
 * the WAL index cannot grow, as a plain I/O error, so the free space is checked too.
 */
export function storageHint(e: unknown, dir: string): string {
  const code = sqliteCode(e) ?? (e as { code?: string })?.code;
  const free = freeBytes(dir);
  if (code === "SQLITE_FULL" || code === "ENOSPC" || (free !== undefined && free < 256 * 1024)) {
    return `The disk holding ${dir} is full${free !== undefined ? ` (${Math.round(free / 1024)} KiB free)` : ""}: free disk space, or choose another folder with --data-dir.`;
  }
  if (code === "SQLITE_READONLY" || code === "EROFS" || code === "EACCES" || code === "EPERM") {
    return `${dir} is read-only for Cachify Studio: make it writable, or choose another folder with --data-dir.`;
  }
  return "Check that the file and its folder belong to you and are not in use by another program, or choose another folder with --data-dir.";
}
