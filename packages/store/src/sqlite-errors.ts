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
