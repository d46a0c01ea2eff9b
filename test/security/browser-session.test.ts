import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, newPage, requireWebBuild } from "../e2e/support.ts";

/**
 * The window's session as Chromium lives it: a launch link's one-time code signs the page in
 * once and leaves the address bar; no cookie is set, so a server on another 127.0.0.1 port (which
 * would receive every cookie of 127.0.0.1: cookies are not port-scoped) gets none; and a page of
 * another origin cannot frame the studio (clickjacking).
 */
describe("the studio's session in Chromium: one-time link, no cookie, no framing", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-session-"));
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  /** Another local server: what it was sent, and a page that frames the studio. */
  let other: Server;
  let otherPort = 0;
  const otherCookies: (string | undefined)[] = [];

  beforeAll(async () => {
    requireWebBuild();
    studio = await startStudio({ dataDir, port: 0, collector: false });
    other = createServer((req, res) => {
      otherCookies.push(req.headers.cookie);
      res.setHeader("content-type", "text/html");
      res.end(
        req.url === "/frame"
          ? `<title>framer</title><iframe src="http://127.0.0.1:${studio.port}/"></iframe>`
          : "<title>another local app</title>",
      );
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    otherPort = (other.address() as AddressInfo).port;
    browser = await launchChromium();
    ({ page, errors } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    other?.close();
    await studio?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const trade = (code: string) =>
    fetch(`http://127.0.0.1:${studio.port}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });

  it("signs the window in with the link's code, once; the address bar keeps no code; no cookie is set", async () => {
    const link = studio.link();
    const code = new URL(link).searchParams.get("code")!;
    const answer = await page.goto(link);
    expect(answer?.headers()["x-frame-options"]).toBe("DENY");
    await page.getByRole("heading", { level: 1, name: "Get started" }).waitFor();
    expect(page.url()).toBe(`http://127.0.0.1:${studio.port}/#/get-started`);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem("cachify.session"))).toBe(studio.token);
    // Spent: the same link signs nothing in again.
    expect((await trade(code)).status).toBe(401);
    // A reload keeps the window signed in (the session is in this window's sessionStorage).
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Get started" }).waitFor();
    // The live connection is up (the token as a WebSocket subprotocol, allowed by the CSP).
    await expect.poll(() => studio.app.observability.live.size).toBe(1);
  });

  it("a spent link opens a window that is not signed in, and says what to run", async () => {
    const link = studio.link();
    expect((await trade(new URL(link).searchParams.get("code")!)).status).toBe(200);
    const { page: late } = await newPage(browser);
    await late.goto(link);
    await late
      .getByText(/cachify studio link/)
      .first()
      .waitFor();
    expect(late.url()).not.toContain("code=");
    await late.context().close();
  });

  it("a server on another local port receives no cookie from the studio's window", async () => {
    otherCookies.length = 0;
    await page.evaluate((u) => {
      location.href = u;
    }, `http://127.0.0.1:${otherPort}/`);
    await page.waitForURL(`http://127.0.0.1:${otherPort}/`);
    expect(await page.title()).toBe("another local app");
    expect(otherCookies.length).toBeGreaterThan(0);
    expect(otherCookies.filter((c) => c !== undefined)).toEqual([]);
  });

  it("a page of another origin cannot frame the studio", async () => {
    const framer = await page.context().newPage();
    const refusals: string[] = [];
    framer.on("console", (m) => refusals.push(m.text()));
    await framer.goto(`http://127.0.0.1:${otherPort}/frame`);
    await framer.locator("iframe").waitFor();
    const frame = await (await framer.locator("iframe").elementHandle())!.contentFrame();
    await expect.poll(() => frame?.url()).toMatch(/^chrome-error:/);
    // Chromium names the rule that refused it (CSP frame-ancestors wins over X-Frame-Options).
    expect(refusals.join("\n")).toMatch(
      new RegExp(`(Framing|Refused to display) 'http://127\\.0\\.0\\.1:${studio.port}/'`),
    );
    await framer.close();
  });

  it("logged no errors in the studio's page (the CSP lets the UI run)", () => {
    expect(errors).toEqual([]);
  });
});
