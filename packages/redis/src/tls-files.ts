import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import {
  type ConnectionProfile,
  loadTlsMaterial,
  type TlsConnectOptions,
  type TlsOptions,
} from "@cachify/core";

/** The TLS settings as Node's tls.connect takes them, with files read. */
export type { TlsConnectOptions };

/**
 * Reads the profile's TLS material: PEM text as is, files from disk (checked to hold PEM of the
 * right kind). Throws bad-input naming the field and the file: a path that does not exist says so.
 * The words are the ones both engines share (packages/core/src/profiles/tls-wording.ts).
 */
export function loadTls(tls: TlsOptions): TlsConnectOptions {
  return loadTlsMaterial(tls, {
    readText: (path) => readFileSync(path, "utf8"),
    homeDir: homedir(),
  });
}

/** Validates a profile's TLS files now (on save, import and test), not at the first operation. */
export function checkTlsFiles(p: ConnectionProfile): void {
  if (p.engine === "redis" && p.tls) loadTls(p.tls);
}
