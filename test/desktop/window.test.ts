import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
 */
describe("cachify studio opens an app window (Xvfb + Chromium)", () => {
  const root = mkdtempSync(join(tmpdir(), "cachify-window-"));
  const dataDir = join(root, "data");
  const profileDir = join(root, "window-profile");
  let xvfb: Awaited<ReturnType<typeof startXvfb>> | undefined;
  let studio: StudioProcess | undefined;
  const browsers: number[] = [];

  beforeAll(async () => {
    requireCliBuild();
    if (!findBrowser()) {
      throw new Error("No Chromium-family browser on the PATH: Debian: apt-get install chromium");
    }
    xvfb = await startXvfb();
  });
  afterAll(async () => {
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
      // No GPU on a virtual display.
      CACHIFY_BROWSER_ARGS: "--disable-gpu",
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

    const second = await runStudioToEnd(["--data-dir", dataDir], env, 30_000);
    expect(second.code).toBe(0);
    expect(second.output).toContain(
      `Cachify Studio is already running for this data folder (pid ${studio.pid}, port ${port})`,
    );
    expect(second.output).toMatch(/Opened an app window with \S*chromium\S* \(pid \d+\)\./);
    expect(second.elapsedMs).toBeLessThan(10_000);
    // Chromium hands the link to the browser already running on that profile: a second window.
    await until(async () => ((await count()) >= 2 ? true : undefined), "a second window", 30_000);

    // Still one studio: the first, on its port.
    expect(alive(studio.pid)).toBe(true);
    expect(await health(port, token)).toMatchObject({ status: 200, body: { ok: true } });
    expect(JSON.parse(readFileSync(join(dataDir, "studio-instance.json"), "utf8")).pid).toBe(
      studio.pid,
    );
    expect(await studio.stop()).toBe(0);
  });
});
