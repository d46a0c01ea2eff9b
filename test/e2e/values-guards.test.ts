import type { RunningStudio } from "@cachify/studio";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useValuesStudio } from "./values-fixture.ts";

/**
 * The guards in Chromium: on prod, the typed-name dialog (and the server refusing a request that
 * skips it or answers it wrongly); forced read-only from the header, with the lock's reason shown
 * and the server refusing a write (403). Screenshots light and dark go to test-artifacts/e2e/.
 */

const P = "e2evg:";

describe("the prod and read-only guards in Chromium", () => {
  const v = useValuesStudio(P);
  const { ids, r, shot, open, valuePanel, goTo, dialog, guardDialog, confirmGuard, theme } = v;
  let page: Page;
  let studio: RunningStudio;
  beforeAll(() => {
    ({ page, studio } = v.s);
  });

  it("on prod, asks for the typed name, and the server refuses a request that skips the dialog", async () => {
    await open(ids.prod);
    await page.getByText(/^PRODUCTION · orders prod/).waitFor();
    await goTo(`${P}prod:victim`);
    await valuePanel(`${P}prod:victim`)
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    const d = guardDialog("Delete key", "orders prod");
    await d.waitFor();
    const confirm = d.getByRole("button", { name: "Delete key", exact: true });
    const typed = d.getByRole("textbox", { name: "Type orders prod to confirm" });
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill("orders");
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill("orders prd");
    expect(await confirm.isDisabled()).toBe(true);
    await shot("27-prod-typed-name");

    // The UI is not the guard: the same request sent from the page without the challenge is
    // refused by the server with 428, and the key is still there.
    const bypass = await page.evaluate(
      async ([id, key]) => {
        const res = await fetch(`/api/profiles/${id}/key?key=${encodeURIComponent(key!)}`, {
          method: "DELETE",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${sessionStorage.getItem("cachify.session")}`,
          },
          body: "{}",
        });
        return { status: res.status, body: await res.json() };
      },
      [ids.prod, `${P}prod:victim`],
    );
    expect(bypass.status).toBe(428);
    expect(bypass.body.error.details).toMatchObject({ level: "typed-name", type: "orders prod" });
    // Answering a challenge with a wrong name is refused too.
    const wrong = await page.evaluate(
      async ([id, key, challengeId]) => {
        const res = await fetch(`/api/profiles/${id}/key?key=${encodeURIComponent(key!)}`, {
          method: "DELETE",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${sessionStorage.getItem("cachify.session")}`,
          },
          body: JSON.stringify({ confirm: { challengeId, typedName: "orders" } }),
        });
        return res.status;
      },
      [ids.prod, `${P}prod:victim`, bypass.body.error.details.challengeId as string],
    );
    expect(wrong).toBe(428);
    expect(await r("EXISTS", `${P}prod:victim`)).toBe(":1\r\n");

    await typed.fill("orders prod");
    expect(await confirm.isDisabled()).toBe(false);
    await theme("dark");
    await shot("28-prod-typed-name-dark");
    await theme("light");
    await confirm.click();
    await d.waitFor({ state: "hidden" });
    expect(await r("EXISTS", `${P}prod:victim`)).toBe(":0\r\n");
  });

  it("forces read-only from the header: the lock with its reason, and the server refuses (403)", async () => {
    await open(ids.dev);
    await page.getByRole("heading", { level: 1, name: "dev local" }).waitFor();
    const toggle = page.getByRole("switch", { name: "Force read-only" });
    expect(await toggle.getAttribute("aria-checked")).toBe("false");
    await toggle.click();
    const d = dialog("Force dev local read-only");
    await d.getByLabel("Reason (shown with the lock)").fill("incident 42: freeze writes");
    await d.getByRole("button", { name: "Force read-only" }).click();
    await d.waitFor({ state: "hidden" });
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
    const chip = page.getByRole("list", { name: "Connection policy" }).locator(".lock");
    await expect.poll(() => chip.getAttribute("title")).toMatch(/incident 42: freeze writes/);
    const railLock = page
      .getByRole("navigation", { name: "Connections" })
      .getByRole("link", { name: /dev local/ })
      .locator(".lock");
    expect(await railLock.getAttribute("title")).toMatch(/forced by policy/);

    await goTo(`${P}hash`);
    await page
      .getByRole("note")
      .getByText(/Editing is off/)
      .waitFor();
    const del = valuePanel(`${P}hash`).getByRole("button", { name: "Delete", exact: true });
    expect(await del.getAttribute("aria-disabled")).toBe("true");
    expect(await del.getAttribute("title")).toMatch(/incident 42/);
    const addField = page.getByRole("button", { name: "Add field" });
    expect(await addField.getAttribute("aria-disabled")).toBe("true");
    await addField.click({ force: true }); // locked: nothing opens
    expect(await dialog(`Add a field to ${P}hash`).count()).toBe(0);
    await shot("29-forced-read-only");
    await theme("dark");
    await shot("30-forced-read-only-dark");
    await theme("light");

    // The server refuses whatever the UI shows: a write sent from the page gets 403.
    const status = await page.evaluate(
      async ([id, key]) => {
        const res = await fetch(`/api/profiles/${id}/hash/field`, {
          method: "PUT",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${sessionStorage.getItem("cachify.session")}`,
          },
          body: JSON.stringify({ key, field: "x", value: "y" }),
        });
        return res.status;
      },
      [ids.dev, `${P}hash`],
    );
    expect(status).toBe(403);
    expect(await r("HEXISTS", `${P}hash`, "x")).toBe(":0\r\n");

    // Cleared from the header (lifting a lock lowers protection: dev asks to confirm); then
    // forced behind the window's back: the UI still offers the delete, and shows the refusal.
    await toggle.click();
    await confirmGuard("Allow changes");
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("false");
    studio.app.policies.force({
      profileId: ids.dev,
      reason: "set from the CLI",
      source: "user",
      createdAt: Date.now(),
    });
    await page.getByRole("button", { name: "Delete field lang" }).click();
    await page
      .getByRole("alert")
      .getByText(/is read-only/)
      .waitFor();
    await shot("31-read-only-refused");
    studio.app.policies.clear(ids.dev);
    expect(await r("HEXISTS", `${P}hash`, "lang")).toBe(":1\r\n");
  });
});
