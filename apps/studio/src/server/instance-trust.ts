import { lstatSync, type Stats, statSync } from "node:fs";
import { CachifyError } from "@cachify/core";

/**
 * Whether `studio-instance.json` can be believed. It names a port to open a window on and holds
 * the token, so it counts only in a data folder that is the user's alone (owned by them, not
 * writable by group or others: nobody else can plant or swap the file) and only as a regular
 * file owned by the user with mode 0600. Windows has no POSIX owners or modes: nothing to check.
 */
const uid = () => process.getuid?.();

function refuse(what: string, fix: string): CachifyError {
  return new CachifyError("storage", `Not trusting ${what}. ${fix}`);
}

/** Throws, saying what to fix, unless `dir` is the current user's alone. */
export function checkDataDirTrusted(dir: string): void {
  const me = uid();
  if (me === undefined) return;
  const st = statSync(dir);
  if (st.uid !== me) {
    throw refuse(
      `the data folder ${dir}: it belongs to uid ${st.uid}, not to you (uid ${me})`,
      `Take it over (chown ${me} ${dir}) or choose your own folder with --data-dir.`,
    );
  }
  if (st.mode & 0o022) {
    throw refuse(
      `the data folder ${dir}: group or others may write in it (mode ${octal(st)}), so another user could plant a studio-instance.json`,
      `Fix: chmod go-w ${dir}`,
    );
  }
}

/** Throws, saying what to fix, unless the instance file is a 0600 regular file of the user. */
export function checkInstanceFileTrusted(path: string): void {
  const me = uid();
  if (me === undefined) return;
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return; // gone meanwhile: the caller looks again
  }
  const stale = `If no studio runs on this folder, delete it (rm ${path}) and launch again`;
  if (!st.isFile()) throw refuse(`${path}: it is not a regular file (a link?)`, `${stale}.`);
  if (st.uid !== me) {
    throw refuse(
      `${path}: it belongs to uid ${st.uid}, not to you (uid ${me})`,
      `${stale}; if that user's studio runs on it, stop it first.`,
    );
  }
  if (st.mode & 0o077) {
    throw refuse(
      `${path}: others may read or write it (mode ${octal(st)}); a studio writes it 0600`,
      `${stale}, or fix it: chmod 600 ${path}`,
    );
  }
}

const octal = (st: Stats) => (st.mode & 0o777).toString(8).padStart(4, "0");
