import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Chromium-family browsers looked up on the PATH (Linux and other Unixes), in this order. */
const PATH_NAMES = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
  "microsoft-edge",
  "microsoft-edge-stable",
  "brave-browser",
];

const MAC_APPS = [
  "Google Chrome.app/Contents/MacOS/Google Chrome",
  "Chromium.app/Contents/MacOS/Chromium",
  "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
  "Brave Browser.app/Contents/MacOS/Brave Browser",
];

const WINDOWS_EXES = [
  "Google\\Chrome\\Application\\chrome.exe",
  "Microsoft\\Edge\\Application\\msedge.exe",
  "BraveSoftware\\Brave-Browser\\Application\\brave.exe",
  "Chromium\\Application\\chrome.exe",
];

export interface WindowOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface OpenedWindow {
  /** What happened, for the terminal. */
  message: string;
  /** The app-mode browser started, when one was. */
  browser?: string;
  pid?: number;
}

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium-family browser to open the studio with: $CACHIFY_BROWSER when set, else the first
 * installed one (PATH on Linux, the Applications folders on macOS, Program Files on Windows).
 */
export function findBrowser(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (env.CACHIFY_BROWSER) return executable(env.CACHIFY_BROWSER) ? env.CACHIFY_BROWSER : undefined;
  if (platform === "darwin") {
    const roots = ["/Applications", join(env.HOME ?? homedir(), "Applications")];
    return roots.flatMap((r) => MAC_APPS.map((a) => join(r, a))).find(executable);
  }
  if (platform === "win32") {
    const roots = [env.ProgramFiles, env["ProgramFiles(x86)"], env.LOCALAPPDATA].filter(
      (r): r is string => Boolean(r),
    );
    return roots.flatMap((r) => WINDOWS_EXES.map((e) => `${r}\\${e}`)).find((p) => existsSync(p));
  }
  const dirs = (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter).filter(Boolean);
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const p = join(dir, name);
      if (executable(p)) return p;
    }
  }
  return undefined;
}

/**
 * The window's own browser profile (the studio's pages only, never the user's browsing
 * profile): $CACHIFY_WINDOW_PROFILE, else a folder in the platform's cache folder.
 */
export function windowProfileDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CACHIFY_WINDOW_PROFILE) return env.CACHIFY_WINDOW_PROFILE;
  const home = env.HOME || homedir() || tmpdir();
  if (platform === "darwin") return join(home, "Library", "Caches", "Cachify Studio", "window");
  if (platform === "win32")
    return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), "Cachify Studio", "window");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "cachify-studio", "window");
}

/** Starts a detached program; resolves with it once it runs, or undefined if it cannot start. */
function launch(file: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<ChildProcess | undefined>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { detached: true, stdio: "ignore", env });
    } catch {
      resolve(undefined);
      return;
    }
    child.once("spawn", () => {
      child.unref();
      resolve(child);
    });
    child.once("error", () => resolve(undefined));
  });
}

/**
 * Opens the studio in an app-mode window of an installed Chromium-family browser (`--app`: no
 * tabs or address bar; its own profile folder), else in the system's default browser. A second
 * call while that browser runs hands the link to it, which opens a second window. Never throws:
 * the link is printed anyway.
 */
export async function openWindow(url: string, options: WindowOptions = {}): Promise<OpenedWindow> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const hasDisplay =
    (platform !== "linux" && platform !== "freebsd" && platform !== "openbsd") ||
    Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { message: "No display found: open the link above in a browser." };
  const browser = findBrowser(env, platform);
  if (browser) {
    const profileDir = windowProfileDir(env, platform);
    try {
      mkdirSync(profileDir, { recursive: true, mode: 0o700 });
    } catch {
      // The browser creates it or says why; the link is printed either way.
    }
    const args = [
      `--app=${url}`,
      `--user-data-dir=${profileDir}`,
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
    ];
    // Chromium refuses to run as root with its sandbox on.
    if (process.getuid?.() === 0) args.push("--no-sandbox");
    // Extra switches, e.g. --disable-gpu on a virtual display.
    for (const a of (env.CACHIFY_BROWSER_ARGS ?? "").split(/\s+/)) if (a) args.push(a);
    const child = await launch(browser, args, env);
    if (child) {
      return {
        message: `Opened an app window with ${browser} (pid ${child.pid}).`,
        browser,
        ...(child.pid ? { pid: child.pid } : {}),
      };
    }
  }
  const opener =
    platform === "darwin" ? "open" : platform === "win32" ? "explorer.exe" : "xdg-open";
  const child = await launch(opener, [url], env);
  return child
    ? { message: "Opened the default browser (no Chromium-family browser found for a window)." }
    : { message: "Could not open a browser: open the link above." };
}
