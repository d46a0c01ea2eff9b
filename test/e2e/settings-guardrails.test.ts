import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { helpers, launchChromium, newPage, requireWebBuild } from "./support.ts";

/**
 * Settings → Guardrails in Chromium: the level per environment with selects for dev and staging
 * and prod shown fixed with its reason; a level raised in the screen and then enforced by the
 * server (a 428 asking for the name, and the Delete dialog asking for it typed); the server's
 * refusal shown next to the field it names, with nothing saved.
 */

const KEY = `e2eguard${Date.now().toString(36)}:victim`;
const PROFILE = "guard dev";

describe("guardrail levels in the Settings screen", () => {
  const { redis } = inject("servers");
  const r = (...args: string[]) => rawCommand(redis.port, args);
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let h: ReturnType<typeof helpers>;
  let dataDir: string;
  let profileId = "";
  let pageErrors: string[] = [];
  const section = () => page.getByRole("region", { name: "Guardrails", exact: true });
  const select = (env: "Development" | "Staging" | "Production", action: "destructive" | "raw") =>
    section().getByRole("combobox", {
      name: `${env}: ${action === "destructive" ? "Delete, overwrite, shorten a TTL, rollback" : "Console write or admin command"}`,
      exact: true,
    });
  const saveButton = () => section().getByRole("button", { name: "Save guardrails" });
  const status = () => section().getByRole("status");
  const errorOf = (field: Locator) => field.locator("xpath=..").getByRole("alert");
  const stored = async () => (await h.api("GET", "/api/settings/guardrails")).body.levels;
  const openSettings = async () => {
    await page.evaluate(() => {
      location.hash = "#/settings";
    });
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await select("Development", "destructive").waitFor();
  };

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-guardrails-"));
    studio = await startStudio({ dataDir, port: 0 });
    profileId = studio.app.profiles.create({
      name: PROFILE,
      url: redis.url,
      environment: "dev",
    }).id;
    await r("SET", KEY, "keep me");
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    h = helpers(page);
    await page.goto(`${studio.url}#/settings`);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await r("DEL", KEY).catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("shows the level per environment: selects for dev and staging, prod fixed with the reason", async () => {
    await select("Development", "destructive").waitFor();
    expect(await select("Development", "destructive").inputValue()).toBe("confirm");
    expect(await select("Development", "raw").inputValue()).toBe("none");
    expect(await select("Staging", "destructive").inputValue()).toBe("confirm");
    expect(await select("Staging", "raw").inputValue()).toBe("confirm");
    // Prod has no control, only the fixed level and why.
    expect(await section().getByRole("combobox").count()).toBe(4);
    expect(await select("Production", "destructive").count()).toBe(0);
    const prodRow = section().getByRole("row", { name: /Production/ });
    expect(await prodRow.getByText("Type the connection name", { exact: false }).count()).toBe(2);
    await section()
      .getByText("Production always asks for the profile name typed", { exact: false })
      .waitFor();
    // Nothing to save yet.
    expect(await saveButton().isDisabled()).toBe(true);
    await section().scrollIntoViewIfNeeded();
    await h.shotBoth("settings-guardrails");
  });

  it("raising dev deletes to typed-name in the screen is enforced by the server", async () => {
    const del = () => h.api("DELETE", `/api/profiles/${profileId}/key?key=${KEY}`);
    expect((await del()).body.error.details.level).toBe("confirm");

    await select("Development", "destructive").selectOption("typed-name");
    // Lowering below the default is said; raising is not.
    await select("Staging", "raw").selectOption("none");
    await section().getByText("Below the default (confirm dialog).").waitFor();
    await select("Staging", "raw").selectOption("confirm");
    expect(await section().getByText("Below the default", { exact: false }).count()).toBe(0);
    await saveButton().click();
    await expect
      .poll(() => status().textContent())
      .toBe("Saved: in force now for the studio and the command line.");
    expect(await stored()).toEqual({
      dev: { destructive: "typed-name", raw: "none" },
      staging: { destructive: "confirm", raw: "confirm" },
      prod: { destructive: "typed-name", raw: "typed-name" },
    });
    await section().scrollIntoViewIfNeeded();
    await h.shotBoth("settings-guardrails-saved");

    // The server asks for the name now, and nothing was deleted.
    const refused = await del();
    expect(refused.status).toBe(428);
    expect(refused.body.error.details).toMatchObject({ level: "typed-name", type: PROFILE });
    expect(await r("GET", KEY)).toBe("$7\r\nkeep me\r\n");

    // The Delete button in the key browser: the dialog now wants the name typed.
    await h.open(profileId);
    await page.getByRole("heading", { level: 1, name: PROFILE }).waitFor();
    await h.goTo(KEY);
    await h.valuePanel(KEY).getByRole("button", { name: "Delete", exact: true }).click();
    const d = h.guardDialog("Delete key", PROFILE);
    await d.waitFor();
    const name = d.getByRole("textbox", { name: `Type ${PROFILE} to confirm` });
    await name.waitFor();
    expect(await d.getByRole("button", { name: "Delete key", exact: true }).isDisabled()).toBe(
      true,
    );
    await h.shotBoth("settings-guardrails-delete-dialog");
    await name.fill(PROFILE);
    await d.getByRole("button", { name: "Delete key", exact: true }).click();
    await d.waitFor({ state: "hidden" });
    expect(await r("EXISTS", KEY)).toBe(":0\r\n");
    await openSettings();
  });

  it("shows the server's refusal next to the field it names, and saves nothing", async () => {
    await page.route("**/api/settings/guardrails", (route) =>
      route.request().method() === "PUT"
        ? route.fulfill({
            status: 400,
            contentType: "application/json",
            body: JSON.stringify({
              error: {
                code: "bad-input",
                message: 'staging.raw must be one of none, confirm, typed-name (got "nope").',
                retryable: false,
                details: { param: "staging.raw" },
              },
            }),
          })
        : route.continue(),
    );
    await select("Staging", "raw").selectOption("typed-name");
    await saveButton().click();
    const error = errorOf(select("Staging", "raw"));
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'staging.raw must be one of none, confirm, typed-name (got "nope").',
    );
    expect(await select("Staging", "raw").getAttribute("aria-invalid")).toBe("true");
    expect(await select("Staging", "raw").evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    expect(await errorOf(select("Development", "raw")).count()).toBe(0);
    expect(await status().textContent()).toBe("");
    await section().scrollIntoViewIfNeeded();
    await h.shotBoth("settings-guardrails-error");
    await page.unroute("**/api/settings/guardrails");
    expect((await stored()).staging.raw).toBe("confirm");

    // The real server refuses a lowered prod the same way (the screen never offers it).
    const prod = await h.api("PUT", "/api/settings/guardrails", { prod: { destructive: "none" } });
    expect(prod.status).toBe(400);
    expect(prod.body.error.details).toEqual({ param: "prod.destructive" });
    expect((await stored()).prod.destructive).toBe("typed-name");

    // Changing the field clears its error; Discard puts the saved levels back.
    await select("Staging", "raw").selectOption("none");
    expect(await errorOf(select("Staging", "raw")).count()).toBe(0);
    await section().getByRole("button", { name: "Discard changes" }).click();
    expect(await select("Staging", "raw").inputValue()).toBe("confirm");
    expect(pageErrors.filter((e) => !e.includes("400"))).toEqual([]);
  });
});
