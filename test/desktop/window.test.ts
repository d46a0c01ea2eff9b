import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../apps/studio/src/server/open-window.ts";
import {
  alive,
  health,
  launchStudio,
  processesMentioning,
  requireCliBuild,
  runStudioToEnd,
  type StudioProcess,
  sleep,
  startXvfb,
  until,
  windowTitles,
} from "./support.ts";

/**
 * The desktop window, for real: a virtual display (Xvfb), the built `cachify studio`, and Debian's
 * Chromium found on the PATH. The app window is found by its title (the page's title) with
 * xwininfo; a second launch on the same data folder opens a second window on the same studio and
 * exits. Everything the browser writes goes into the test's folder (HOME, the window profile).
 * The window is also inspected over the DevTools protocol (a test-only --remote-debugging-port):
 * its argv carries a one-time code, never the session token, and its address bar keeps no code.
 */
describe("cachify studio opens an app window (Xvfb + Chromium)", () => {
  const root = mkdtempSync(join(tmpdir(), "cachify-window-"));
  const dataDir = join(root, "data");
  const profileDir = join(root, "window-profile");
  let xvfb: Awaited<ReturnType<typeof startXvfb>> | undefined;
  let studio: StudioProcess | undefined;
  const browsers: number[] = [];
  let devtools: Browser | undefined;

  /** The window's pages on the studio, through the DevTools port Chromium wrote in its profile. */
  const studioPages = async (port: number): Promise<Page[]> => {
    if (!devtools) {
      const active = await until(() => {
        try {
          return readFileSync(join(profileDir, "DevToolsActivePort"), "utf8").split("\n")[0];
        } catch {
          return undefined;
        }
      }, "the window's DevTools port");
      devtools = await chromium.connectOverCDP(`http://127.0.0.1:${active}`);
    }
    return devtools
      .contexts()
      .flatMap((c) => c.pages())
      .filter((p) => p.url().startsWith(`http://127.0.0.1:${port}/`));
  };
  const trade = async (port: number, code: string) =>
    (
      await fetch(`http://127.0.0.1:${port}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code }),
      })
    ).status;

  beforeAll(async () => {
    requireCliBuild();
    if (!findBrowser()) {
      throw new Error("No Chromium-family browser on the PATH: Debian: apt-get install chromium");
    }
    xvfb = await startXvfb();
  });
  afterAll(async () => {
    await devtools?.close().catch(() => {});
    await studio?.stop(5000);
    // The browser: its process group (it was started detached), then anything still naming our
    // folder (its helpers carry the profile path).
    for (const pid of browsers) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await sleep(200);
    for (const pid of processesMentioning(root)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await xvfb?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("opens a window titled Cachify Studio; a second launch reuses the running studio and opens a second window", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISPLAY: xvfb!.display,
      HOME: root,
      XDG_CACHE_HOME: join(root, "cache"),
      XDG_CONFIG_HOME: join(root, "config"),
      CACHIFY_WINDOW_PROFILE: profileDir,
      // No GPU on a virtual display; a DevTools port to look inside the window.
      CACHIFY_BROWSER_ARGS: "--disable-gpu --remote-debugging-port=0",
    };
    delete env.WAYLAND_DISPLAY;
    delete env.CACHIFY_BROWSER;
    studio = launchStudio(["--data-dir", dataDir], env);
    const { port, token } = await studio.ready();
    const opened = await until(
      () => /Opened an app window with (\S+) \(pid (\d+)\)\./.exec(studio!.output()) ?? undefined,
      "the window message",
      10_000,
    );
    expect(opened[1]).toMatch(/chromium/);
    browsers.push(Number(opened[2]));
    const count = async () =>
      (await windowTitles(xvfb!.display)).filter((t) => t === "Cachify Studio").length;
    await until(async () => ((await count()) >= 1 ? true : undefined), "the app window", 45_000);
    // The window's profile is the one we named (nothing in the user's own browser profile).
    expect(statSync(join(profileDir, "Default")).isDirectory()).toBe(true);
    expect(statSync(join(dataDir, "studio-instance.json")).mode & 0o777).toBe(0o600);

    // The browser's argv (what `ps` shows every user) has a one-time code, not the token.
    const argv = readFileSync(`/proc/${opened[2]}/cmdline`, "utf8").split("\0");
    expect(argv.join(" ")).not.toContain(token);
    const app = argv.find((a) => a.startsWith("--app="))!;
    expect(app).toMatch(new RegExp(`^--app=http://127\\.0\\.0\\.1:${port}/\\?code=[\\w-]{20,}$`));
    const code = new URL(app.slice("--app=".length)).searchParams.get("code")!;
    // Signed in with it, and the address bar no longer shows it.
    const [page] = await until(async () => {
      const pages = await studioPages(port);
      return pages.length === 1 ? pages : undefined;
    }, "the window's page");
    await page!.getByRole("heading", { level: 1, name: "Get started" }).waitFor();
    expect(page!.url()).toBe(`http://127.0.0.1:${port}/#/get-started`);
    expect(await page!.evaluate(() => sessionStorage.getItem("cachify.session"))).toBe(token);
    // The code was good once: it opens nothing now.
    expect(await trade(port, code)).toBe(401);

    const second = await runStudioToEnd(["--data-dir", dataDir], env, 30_000);
    expect(second.code).toBe(0);
    expect(second.output).toContain(
      `Cachify Studio is already running for this data folder (pid ${studio.pid}, port ${port})`,
    );
    expect(second.output).toMatch(/Opened an app window with \S*chromium\S* \(pid \d+\)\./);
    expect(second.elapsedMs).toBeLessThan(10_000);
    expect(second.output).not.toContain(token);
    // Chromium hands the link to the browser already running on that profile: a second window.
    await until(async () => ((await count()) >= 2 ? true : undefined), "a second window", 30_000);
    // Signed in through a code the running studio minted for it, and no code left in sight.
    const pages = await until(async () => {
      const p = await studioPages(port);
      return p.length === 2 ? p : undefined;
    }, "the second window's page");
    for (const p of pages) {
      await p.getByRole("heading", { level: 1, name: "Get started" }).waitFor();
      expect(p.url()).not.toContain("code=");
    }

    // Still one studio: the first, on its port.
    expect(alive(studio.pid)).toBe(true);
    expect(await health(port, token)).toMatchObject({ status: 200, body: { ok: true } });
    expect(JSON.parse(readFileSync(join(dataDir, "studio-instance.json"), "utf8")).pid).toBe(
      studio.pid,
    );
    expect(await studio.stop()).toBe(0);
  });
});
