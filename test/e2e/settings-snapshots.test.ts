import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { studioApi } from "../support/studio-api.ts";
import { helpers, launchChromium, newPage, requireWebBuild } from "./support.ts";

/**
 * Settings → Snapshots in Chromium: retention and sensitive key patterns typed with the keyboard,
 * saved with one Save and still there after a reload; the saved patterns deciding what the gate
 * snapshots; the server's refusal shown next to the field it names with nothing saved; and the
 * number of snapshots a lower limit deleted.
 */

const P = `e2esnap${Date.now().toString(36)}:`;
// The patterns match whole keys: these two start with what the patterns name.
const SESSION_KEY = `session:${P}1`;
const TOKEN_KEY = `token:${P}1`;
const BIG_KEY = `${P}big`;
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("snapshot settings in the Settings screen", () => {
  const { redis } = inject("servers");
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let h: ReturnType<typeof helpers>;
  let dataDir: string;
  let profileId = "";
  let pageErrors: string[] = [];
  const section = () => page.getByRole("region", { name: "Snapshots", exact: true });
  const retention = () => section().getByRole("textbox", { name: "Keep snapshots for (days)" });
  const maxSize = () => section().getByRole("textbox", { name: "Snapshot storage limit (MB)" });
  const pattern = (n: number) =>
    section().getByRole("textbox", { name: `Sensitive pattern ${n}`, exact: true });
  const anyway = (n: number) =>
    section().getByRole("checkbox", { name: `Snapshot anyway (pattern ${n})`, exact: true });
  const newPattern = () => section().getByRole("textbox", { name: "New sensitive pattern" });
  const saveButton = () => section().getByRole("button", { name: "Save snapshot settings" });
  const status = () => section().getByRole("status");
  /** The message shown under a field: its `.field` box's alert. */
  const errorOf = (field: Locator) => field.locator("xpath=..").getByRole("alert");

  const { call, confirmed } = studioApi(() => studio);
  const writeKey = (key: string, valueBase64: string) =>
    confirmed("PUT", `/api/profiles/${profileId}/key`, { keyBase64: b64(key), valueBase64 });
  const snapshotsOf = async (key?: string) => {
    const q = key ? `&keyBase64=${encodeURIComponent(b64(key))}` : "";
    const [status, body] = await call(
      "GET",
      `/api/rollback/snapshots?profileId=${profileId}&limit=1000${q}`,
    );
    expect(status).toBe(200);
    return body.snapshots as { key: string }[];
  };
  const stored = async () => {
    const [status, body] = await call("GET", "/api/rollback/settings");
    expect(status).toBe(200);
    return body;
  };

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-snapshots-"));
    await rawCommand(redis.port, ["SET", SESSION_KEY, "s-before"]);
    await rawCommand(redis.port, ["SET", TOKEN_KEY, "t-before"]);
    studio = await startStudio({ dataDir, port: 0 });
    profileId = studio.app.profiles.create({ name: "snap dev", url: redis.url }).id;
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    h = helpers(page);
    await page.goto(`${studio.url}#/settings`);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await rawCommand(redis.port, ["DEL", SESSION_KEY, TOKEN_KEY, BIG_KEY]).catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("shows the defaults and what sensitive patterns do", async () => {
    await retention().waitFor();
    expect(await retention().inputValue()).toBe("7");
    expect(await maxSize().inputValue()).toBe("1024");
    await section().getByText("No sensitive patterns").waitFor();
    await section()
      .getByText("Values of keys matching a sensitive pattern are not snapshotted", {
        exact: false,
      })
      .waitFor();
    await h.shotBoth("settings-snapshots-empty");

    // With the Snapshots switch off (here from elsewhere), the section says nothing is snapshotted.
    const off = section().getByText("Snapshots are turned off under Features", { exact: false });
    expect(await off.count()).toBe(0);
    studio.app.features.update({ snapshots: false });
    await off.waitFor();
    studio.app.features.update({ snapshots: true });
    await off.waitFor({ state: "detached" });
  });

  it("saves retention and patterns typed with the keyboard, and keeps them after a reload", async () => {
    await retention().fill("3");
    // Enter in the add field adds the pattern (and does not save the form).
    await newPattern().fill("session:*");
    await newPattern().press("Enter");
    await pattern(1).waitFor();
    expect(await pattern(1).inputValue()).toBe("session:*");
    expect(await newPattern().inputValue()).toBe("");
    expect((await stored()).sensitive).toEqual([]);
    await newPattern().fill("token:*");
    await section().getByRole("button", { name: "Add pattern" }).click();
    // The "Snapshot anyway" box reached with Tab from the pattern and ticked with Space.
    await pattern(2).focus();
    await page.keyboard.press("Tab");
    await expect.poll(() => anyway(2).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Space");
    expect(await anyway(2).isChecked()).toBe(true);
    expect(await anyway(1).isChecked()).toBe(false);

    await saveButton().click();
    await expect.poll(() => status().textContent()).toBe("Saved.");
    expect(await stored()).toEqual({
      retentionDays: 3,
      maxTotalMb: 1024,
      sensitive: [
        { pattern: "session:*", snapshot: false },
        { pattern: "token:*", snapshot: true },
      ],
    });
    await h.shotBoth("settings-snapshots-saved");

    await page.reload();
    await pattern(2).waitFor();
    expect(await retention().inputValue()).toBe("3");
    expect(await maxSize().inputValue()).toBe("1024");
    expect(await pattern(1).inputValue()).toBe("session:*");
    expect(await anyway(1).isChecked()).toBe(false);
    expect(await pattern(2).inputValue()).toBe("token:*");
    expect(await anyway(2).isChecked()).toBe(true);
  });

  it("the saved patterns decide what is snapshotted before a change", async () => {
    expect((await writeKey(SESSION_KEY, b64("s-after")))[0]).toBe(200);
    expect((await writeKey(TOKEN_KEY, b64("t-after")))[0]).toBe(200);
    expect(await snapshotsOf(SESSION_KEY)).toEqual([]);
    expect((await snapshotsOf(TOKEN_KEY)).map((s) => s.key)).toEqual([TOKEN_KEY]);
  });

  it("shows the server's refusal next to the field it names, and saves nothing", async () => {
    await retention().fill("0");
    await saveButton().click();
    const error = errorOf(retention());
    await error.waitFor();
    expect(await error.textContent()).toBe("retentionDays must be a whole number from 1 to 365.");
    expect(await retention().getAttribute("aria-invalid")).toBe("true");
    // Focus goes to the field to fix.
    expect(await retention().evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await status().textContent()).toBe("");
    expect((await stored()).retentionDays).toBe(3);
    await h.shotBoth("settings-snapshots-error");

    // A pattern error lands on its row: the second pattern made a copy of the first.
    await retention().fill("3");
    expect(await errorOf(retention()).count()).toBe(0);
    await pattern(2).fill("session:*");
    await saveButton().click();
    const rowError = errorOf(pattern(2));
    await rowError.waitFor();
    expect(await rowError.textContent()).toMatch(/"session:\*" is listed twice/);
    expect(await errorOf(pattern(1)).count()).toBe(0);
    expect((await stored()).sensitive).toHaveLength(2);
    expect((await stored()).sensitive[1].pattern).toBe("token:*");

    await section().getByRole("button", { name: "Discard changes" }).click();
    expect(await pattern(2).inputValue()).toBe("token:*");
    expect(await errorOf(pattern(2)).count()).toBe(0);
  });

  it("removes a pattern with the keyboard, focus staying in the list", async () => {
    await section().getByRole("button", { name: "Remove pattern 1" }).focus();
    await page.keyboard.press("Enter");
    // token:* moved up to row 1 and its Remove button has the focus.
    expect(await pattern(1).inputValue()).toBe("token:*");
    expect(await pattern(2).count()).toBe(0);
    const remove1 = section().getByRole("button", { name: "Remove pattern 1" });
    await expect.poll(() => remove1.evaluate((el) => el === document.activeElement)).toBe(true);
    await section().getByRole("button", { name: "Discard changes" }).click();
    expect(await pattern(2).inputValue()).toBe("token:*");
  });

  it("says how many snapshots a lower storage limit deleted", async () => {
    // Two 9 MB pre-images (random bytes: nothing compresses them) are past a 16 MB limit.
    const big = () => randomBytes(9 * 1024 * 1024).toString("base64");
    for (let i = 0; i < 3; i++) expect((await writeKey(BIG_KEY, big()))[0]).toBe(200);
    const before = (await snapshotsOf()).length;
    expect(before).toBeGreaterThanOrEqual(3);

    await maxSize().fill("16");
    await saveButton().click();
    await expect.poll(() => status().textContent()).toMatch(/^Saved\. \d+ snapshots? past/);
    const after = (await snapshotsOf()).length;
    const pruned = before - after;
    expect(pruned).toBeGreaterThan(0);
    expect(await status().textContent()).toBe(
      `Saved. ${pruned} snapshot${pruned === 1 ? "" : "s"} past the new limits ${pruned === 1 ? "was" : "were"} deleted.`,
    );
    expect((await stored()).maxTotalMb).toBe(16);
    await h.shot("settings-snapshots-pruned");
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
