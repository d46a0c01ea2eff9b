import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

const BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/microsoft-edge",
  "/usr/bin/brave-browser",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
];

/**
 * Opens the studio in an app-mode window of an installed Chromium-family browser (its own profile
 * folder, no tabs or address bar), else the system's default browser. Returns what it did.
 */
export async function openWindow(url: string): Promise<string> {
  const hasDisplay =
    process.platform !== "linux" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return "No display found: open the link above in a browser.";
  const browser = BROWSERS.find((b) => existsSync(b));
  if (browser) {
    const profileDir = join(
      process.env.XDG_CACHE_HOME ?? join(homedir() || tmpdir(), ".cache"),
      "cachify-studio",
      "window",
    );
    mkdirSync(profileDir, { recursive: true });
    const args = [
      `--app=${url}`,
      `--user-data-dir=${profileDir}`,
      "--no-first-run",
      "--disable-background-networking",
    ];
    if (process.getuid?.() === 0) args.push("--no-sandbox");
    spawn(browser, args, { detached: true, stdio: "ignore" }).unref();
    return `Opened an app window with ${browser}.`;
  }
  const opener =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    spawn(opener, [url], { detached: true, stdio: "ignore" })
      .on("error", () => {})
      .unref();
    return "Opened the default browser.";
  } catch {
    return "Could not open a browser: open the link above.";
  }
}
