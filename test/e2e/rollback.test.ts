import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../harness/index.ts";
import { helpers, launchChromium, newPage, requireWebBuild } from "./support.ts";

/**
 * The rollback helper in Chromium (issue 5): a deleted hash put back from its History row, a
 * changed TTL put back from the key's value panel ("History / undo"), a key changed since its
 * snapshot skipped until Force is ticked, and an expired snapshot explained. Restores go through
 * the guard (a confirm dialog on staging).
 */

const P = `e2erb${Date.now().toString(36)}:`;
const HASH = `${P}cart:42`;
const TTL_KEY = `${P}session:7`;
const RACE = `${P}price:9`;
const SHORT = `${P}flash`;
const PROFILE = "cache staging";

describe("rollback helper in Chromium", () => {
  const { redis } = inject("servers");
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  let h: ReturnType<typeof helpers>;
  let dataDir: string;
  let pageErrors: string[] = [];
  let profileId = "";
  const r = (...args: string[]) => rawCommand(redis.port, args);
  const ttlOf = async (key: string) => Number((await r("TTL", key)).slice(1));
  const undoDialog = (name: string | RegExp) => page.getByRole("dialog", { name });

  beforeAll(async () => {
    requireWebBuild();
    dataDir = await mkdtemp(join(tmpdir(), "cachify-e2e-rb-"));
    await r("HSET", HASH, "sku", "A-1", "qty", "2", "note", "gift wrap");
    await r("SET", TTL_KEY, '{"user":7}', "EX", "3600");
    await r("SET", RACE, "9.99", "EX", "3600");
    studio = await startStudio({ dataDir, port: 0 });
    profileId = studio.app.profiles.create({
      name: PROFILE,
      url: redis.url,
      environment: "staging",
    }).id;
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
    h = helpers(page);
    await page.goto(studio.url);
    await page.getByRole("navigation", { name: "Connections" }).waitFor();
    await h.open(profileId);
    await page.getByRole("heading", { level: 1, name: PROFILE }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await r("DEL", HASH, TTL_KEY, RACE, SHORT).catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("puts a deleted hash back from its row in the History tab", async () => {
    await h.goTo(HASH);
    await h.valuePanel(HASH).getByRole("button", { name: "Delete", exact: true }).click();
    await h.confirmGuard("Delete key", PROFILE);
    expect(await r("EXISTS", HASH)).toBe(":0\r\n");

    await page.getByRole("tab", { name: "History" }).click();
    const undo = page.getByRole("button", { name: `Undo delete of ${HASH}` });
    await undo.waitFor();
    await undo.click();
    const d = undoDialog(`Undo delete of ${HASH}`);
    await d.waitFor();
    const compare = d.getByRole("region", { name: `Snapshot of ${HASH} beside its current state` });
    await compare
      .getByRole("region", { name: "Now" })
      .getByText("missing (deleted or expired)")
      .waitFor();
    expect(await compare.getByRole("region", { name: "Snapshot" }).textContent()).toMatch(
      /Typehash.*hash values are not shown here/,
    );
    await h.shotBoth("60-rollback-deleted-hash");

    await d.getByRole("button", { name: "Restore this change" }).click();
    await h.confirmGuard("Restore 1 key", PROFILE);
    const result = d.getByRole("status", { name: "Restore result" });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/^1 restored · 0 skipped · 0 failed/);
    expect(await r("HGETALL", HASH)).toBe(
      "*6\r\n$3\r\nsku\r\n$3\r\nA-1\r\n$3\r\nqty\r\n$1\r\n2\r\n$4\r\nnote\r\n$9\r\ngift wrap\r\n",
    );
    await compare.getByRole("region", { name: "Now" }).getByText("hash", { exact: true }).waitFor();
    await compare.getByText(/^This snapshot was already restored/).waitFor();
    await h.shotBoth("61-rollback-restored");
    await d.getByRole("button", { name: "Close" }).click();
    await d.waitFor({ state: "hidden" });
    // The restore is in the history too, with its own snapshot: it can be undone as well.
    await page.getByRole("button", { name: `Undo restore of ${HASH}` }).waitFor();
    await h.shotBoth("67-history-undo-buttons");
  });

  it("puts a changed TTL back from the key's value panel", async () => {
    await page.getByRole("tab", { name: "Browser" }).click();
    await h.goTo(TTL_KEY);
    // Nothing changed it through the studio yet: no snapshots, and the dialog says why.
    await h.valuePanel(TTL_KEY).getByRole("button", { name: "History / undo" }).click();
    const none = undoDialog(`History / undo · ${TTL_KEY}`);
    await none.getByText("No snapshots here.").waitFor();
    expect(await none.getByRole("button", { name: "Restore selected (0)" }).isDisabled()).toBe(
      true,
    );
    await h.shotBoth("68-rollback-no-snapshots");
    await none.getByRole("button", { name: "Close" }).click();
    await none.waitFor({ state: "hidden" });
    await h.valuePanel(TTL_KEY).getByRole("button", { name: "TTL", exact: true }).click();
    const ttl = h.dialog(`TTL of ${TTL_KEY}`);
    await ttl.getByLabel("Expire in (seconds)").fill("60");
    await ttl.getByRole("button", { name: "Set TTL" }).click();
    await h.confirmGuard("Set TTL", PROFILE);
    await expect.poll(() => ttlOf(TTL_KEY)).toBeLessThanOrEqual(60);

    await h.valuePanel(TTL_KEY).getByRole("button", { name: "History / undo" }).click();
    const d = undoDialog(`History / undo · ${TTL_KEY}`);
    await d.waitFor();
    const compare = d.getByRole("region", {
      name: `Snapshot of ${TTL_KEY} beside its current state`,
    });
    await compare
      .getByRole("region", { name: "Now" })
      .getByText(/^(1m|59s|58s)$/)
      .waitFor();
    expect(await compare.getByRole("region", { name: "Snapshot" }).textContent()).toMatch(
      /TTL(59m \d+s|1h) left/,
    );
    await compare.getByText("Same value as the snapshot.").waitFor();
    await h.shotBoth("63-rollback-ttl-compare");

    await compare.getByRole("button", { name: "Restore this key" }).click();
    await h.confirmGuard("Restore 1 key", PROFILE);
    await d
      .getByRole("status", { name: "Restore result" })
      .getByText(/^1 restored/)
      .waitFor();
    const back = await ttlOf(TTL_KEY);
    expect(back).toBeGreaterThan(3500);
    expect(back).toBeLessThanOrEqual(3600);
    expect(await r("GET", TTL_KEY)).toBe('$10\r\n{"user":7}\r\n');
    await d.getByRole("button", { name: "Close" }).click();
  });

  it("skips a key changed since its snapshot unless Force is ticked", async () => {
    await h.goTo(RACE);
    await h.valuePanel(RACE).getByRole("button", { name: "TTL", exact: true }).click();
    const ttl = h.dialog(`TTL of ${RACE}`);
    await ttl.getByLabel("Expire in (seconds)").fill("120");
    await ttl.getByRole("button", { name: "Set TTL" }).click();
    await h.confirmGuard("Set TTL", PROFILE);
    // Someone else changes the value meanwhile (outside the studio).
    await r("SET", RACE, "12.50", "KEEPTTL");

    await h.valuePanel(RACE).getByRole("button", { name: "History / undo" }).click();
    const d = undoDialog(`History / undo · ${RACE}`);
    const compare = d.getByRole("region", { name: `Snapshot of ${RACE} beside its current state` });
    await compare.getByText(/Conflict: the key changed after the snapshot/).waitFor();
    await d.getByRole("checkbox", { name: new RegExp(`^Select snapshot of ${RACE}`) }).check();
    await d.getByRole("button", { name: "Restore selected (1)" }).click();
    // Every selected key conflicts: nothing would be written, so the server asks no confirmation.
    const result = d.getByRole("status", { name: "Restore result" });
    await result.getByText(/^0 restored · 1 skipped · 0 failed/).waitFor();
    expect(await result.textContent()).toMatch(
      /skipped.*the key changed after the snapshot; restore it with force to overwrite/,
    );
    await result.getByText(/Tick Force and restore again/).waitFor();
    expect(await r("GET", RACE)).toBe("$5\r\n12.50\r\n");
    await h.shotBoth("65-rollback-conflict");

    await d.getByRole("checkbox", { name: /^Force/ }).check();
    await d.getByRole("button", { name: "Restore selected (1)" }).click();
    await h.confirmGuard("Restore 1 key", PROFILE);
    await result.getByText(/^1 restored · 0 skipped · 0 failed/).waitFor();
    expect(await r("GET", RACE)).toBe("$4\r\n9.99\r\n");
    expect(await ttlOf(RACE)).toBeGreaterThan(3500);
    await d.getByRole("button", { name: "Close" }).click();
  });

  it("explains a snapshot whose TTL has run out", async () => {
    await r("SET", SHORT, "short-lived", "PX", "2500");
    const seeded = Date.now();
    await h.goTo(SHORT);
    await h.valuePanel(SHORT).getByRole("button", { name: "Delete", exact: true }).click();
    await h.confirmGuard("Delete key", PROFILE);
    expect(Date.now() - seeded).toBeLessThan(2500);
    await new Promise((res) => setTimeout(res, Math.max(0, 2700 - (Date.now() - seeded))));

    await page.getByRole("tab", { name: "History" }).click();
    await page.getByRole("button", { name: `Undo delete of ${SHORT}` }).click();
    const d = undoDialog(`Undo delete of ${SHORT}`);
    const flag = d.getByRole("table", { name: "Snapshots" }).getByText("expired", { exact: true });
    await flag.waitFor();
    expect(await flag.getAttribute("title")).toMatch(
      /^Its TTL ran out at .*: restoring it would delete the live key, so the restore skips it\.$/,
    );
    await d.getByRole("button", { name: "Restore this change" }).click();
    await h.confirmGuard("Restore 1 key", PROFILE);
    const result = d.getByRole("status", { name: "Restore result" });
    await result.getByText(/^0 restored · 1 skipped/).waitFor();
    expect(await result.textContent()).toMatch(/its TTL ran out at .*restoring it would delete/);
    expect(await r("EXISTS", SHORT)).toBe(":0\r\n");
    await h.shotBoth("66-rollback-expired");
    await d.getByRole("button", { name: "Close" }).click();
  });

  it("logged no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
