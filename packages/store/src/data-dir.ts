import { homedir } from "node:os";
import path from "node:path";

export interface DataDirOptions {
  /** The value of `--data-dir`, when given. */
  flag?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Defaults to os.homedir(). */
  home?: string;
}

/** The folder name under the platform's app-data folder. */
export const APP_DIR_NAME = { linux: "cachify-studio", other: "Cachify Studio" } as const;

/**
 * Where the studio keeps its data: `--data-dir`, else `CACHIFY_HOME`, else the platform's
 * app-data folder. Pure: it looks at no file, so the caller decides when to create the folder.
 */
export function resolveDataDir(options: DataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  const p = platform === "win32" ? path.win32 : path.posix;

  const chosen = nonBlank(options.flag) ?? nonBlank(env.CACHIFY_HOME);
  if (chosen !== undefined) return absolute(chosen, home, p);

  if (platform === "win32") {
    const appData = nonBlank(env.APPDATA) ?? p.join(home, "AppData", "Roaming");
    return p.join(appData, APP_DIR_NAME.other);
  }
  if (platform === "darwin") {
    return p.join(home, "Library", "Application Support", APP_DIR_NAME.other);
  }
  // Linux and the other Unixes follow the XDG base directory spec, which says to ignore a
  // relative XDG_CONFIG_HOME.
  const xdg = nonBlank(env.XDG_CONFIG_HOME);
  const configHome = xdg !== undefined && p.isAbsolute(xdg) ? xdg : p.join(home, ".config");
  return p.join(configHome, APP_DIR_NAME.linux);
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Expands a leading `~` (a quoted flag or an env file does not get the shell's expansion). */
function absolute(dir: string, home: string, p: typeof path.posix): string {
  let expanded = dir;
  if (dir === "~") expanded = home;
  else if (dir.startsWith("~/") || (p === path.win32 && dir.startsWith("~\\"))) {
    expanded = p.join(home, dir.slice(2));
  }
  return p.resolve(expanded);
}
