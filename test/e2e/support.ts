import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Shared set-up of the Chromium suites: where screenshots go, the browser launch, a page that
 * records its own errors, and the few moves every suite makes (open a tab, confirm the guard,
 * switch the theme, call the API with the window's session).
 */

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const shotsDir = join(root, "test-artifacts", "e2e");
export const webDist = join(root, "apps", "web", "dist", "index.html");

export function requireWebBuild(): void {
  if (!existsSync(webDist)) {
    throw new Error("apps/web/dist is missing: run `npm run build -w @cachify/web` first.");
  }
  mkdirSync(shotsDir, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-gpu",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** A light-scheme page; `errors` collects page errors and console errors other than HTTP statuses. */
export async function newPage(
  browser: Browser,
  options: { width?: number; height?: number; timeoutMs?: number } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1360, height: options.height ?? 820 },
    colorScheme: "light",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Answers with an error status are expected (428, 403, 409); anything else is not.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      errors.push(m.text());
    }
  });
  return { page, errors };
}

export function helpers(page: Page) {
  const dialog = (name: string | RegExp) => page.getByRole("dialog", { name });
  const shot = (name: string) => page.screenshot({ path: join(shotsDir, `${name}.png`) });
  return {
    shot,
    /** The screen as it is, then in the dark theme (`NAME-dark`), then back as it was. */
    async shotBoth(name: string) {
      await shot(name);
      const before = await page.evaluate(() => {
        const root = document.documentElement;
        const was = root.getAttribute("data-theme");
        root.setAttribute("data-theme", "dark");
        return was;
      });
      await shot(`${name}-dark`);
      await page.evaluate((was) => {
        if (was === null) document.documentElement.removeAttribute("data-theme");
        else document.documentElement.setAttribute("data-theme", was);
      }, before);
    },
    /** Opens a connection's tab through the URL hash (what a link or a reload does). */
    open: (profileId: string, tab = "browser") =>
      page.evaluate((h) => {
        location.hash = h;
      }, `#/c/${profileId}/${tab}`),
    dialog,
    /** The guard's modal: named after the action and the connection. */
    guardDialog: (action: string, profile: string) => dialog(`${action} on ${profile}`),
    async confirmGuard(action: string, profile: string, typedName?: string) {
      const d = dialog(`${action} on ${profile}`);
      await d.waitFor();
      if (typedName !== undefined) {
        await d.getByRole("textbox", { name: `Type ${typedName} to confirm` }).fill(typedName);
      }
      await d.getByRole("button", { name: action, exact: true }).click();
      await d.waitFor({ state: "hidden" });
    },
    theme: (t: "light" | "dark" | "system") =>
      page.getByRole("navigation", { name: "Connections" }).getByLabel("Theme").selectOption(t),
    valuePanel: (key: string) => page.getByRole("region", { name: key, exact: true }),
    /** Opens a key by its exact name (no scan). */
    async goTo(key: string) {
      const input = page.getByRole("textbox", { name: "Go to key (exact name)" });
      await input.fill(key);
      await input.press("Enter");
      await page.getByRole("region", { name: key, exact: true }).waitFor();
    },
    /** A request from inside the window (its session token), bypassing the UI. */
    api: (method: string, path: string, body?: unknown) =>
      page.evaluate(
        async ([m, p, b]) => {
          const res = await fetch(p as string, {
            method: m as string,
            headers: {
              // Where apps/web/src/api/session.ts keeps the window's session.
              authorization: `Bearer ${sessionStorage.getItem("cachify.session")}`,
              ...(b === undefined ? {} : { "Content-Type": "application/json" }),
            },
            body: b === undefined ? null : JSON.stringify(b),
          });
          return { status: res.status, body: await res.json() };
        },
        [method, path, body] as const,
      ),
  };
}
