import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { RedisServer } from "../harness/index.ts";
import { useValuesStudio } from "./values-fixture.ts";

/**
 * The studio's working screens in Chromium: the value editors of every type, creating, renaming,
 * expiring and deleting a key, the console, server info, Memcached's strings, and every screen
 * again in the dark theme. Screenshots of each screen go to test-artifacts/e2e/. The 100k-key
 * list and tree are in values-keyspace.test.ts, the prod and read-only guards in
 * values-guards.test.ts.
 */

const P = "e2ev:";

describe("studio values, console and server info in Chromium", () => {
  const v = useValuesStudio(P);
  const {
    ids,
    r,
    shot,
    open,
    valuePanel,
    goTo,
    dialog,
    guardDialog,
    confirmGuard,
    theme,
    members,
    cellRow,
  } = v;
  let page: Page;
  let big: RedisServer;
  let pageErrors: string[] = [];
  beforeAll(() => {
    ({ page, errors: pageErrors } = v.s);
    big = v.big();
  });

  it("edits a string as text and keeps its TTL", async () => {
    await open(ids.dev);
    await page.getByRole("heading", { level: 1, name: "dev local" }).waitFor();
    await goTo(`${P}json`);
    await page.getByRole("radio", { name: "JSON" }).check();
    await shot("13-string-json");
    await page.getByRole("button", { name: "Edit value" }).click();
    const editor = page.getByRole("textbox", { name: "Editing as text" });
    await editor.fill('{"order":43}');
    await page.getByRole("button", { name: "Save value" }).click();
    // Overwriting is destructive: on dev, a confirm dialog names the connection and the key.
    const d = guardDialog("Save value", "dev local");
    await d.waitFor();
    expect(await d.textContent()).toContain(`${P}json`);
    await shot("14-guard-confirm-dev");
    await confirmGuard("Save value");
    await expect.poll(() => r("GET", `${P}json`)).toBe('$12\r\n{"order":43}\r\n');
    expect(Number((await r("TTL", `${P}json`)).slice(1))).toBeGreaterThan(7000);
    // Still shown as JSON, the view the user picked.
    await expect
      .poll(() => page.getByRole("region", { name: "Value", exact: true }).textContent())
      .toBe('{\n  "order": 43\n}');
  });

  it("edits a hash: add, edit and delete fields (binary ones shown escaped)", async () => {
    await goTo(`${P}hash`);
    const table = members(`${P}hash`, "fields");
    await cellRow(table, "name").waitFor();
    expect(await cellRow(table, "bin\\x01").textContent()).toContain("\\x00\\xc3\\xbf");
    await page.getByRole("button", { name: "Add field" }).click();
    const add = dialog(`Add a field to ${P}hash`);
    await add.getByLabel("Field").fill("city");
    await add.getByLabel("Value").fill("London");
    await add.getByRole("button", { name: "Add field" }).click();
    await confirmGuard("Add field");
    await add.waitFor({ state: "hidden" });
    await cellRow(table, "city").waitFor();

    await page.getByRole("button", { name: "Edit field lang" }).click();
    const edit = dialog(`Edit field of ${P}hash`);
    await edit.getByLabel("Value").fill("fr");
    await shot("15-hash-edit-dialog");
    await edit.getByRole("button", { name: "Save field" }).click();
    await confirmGuard("Save field");
    await expect.poll(() => r("HGET", `${P}hash`, "lang")).toBe("$2\r\nfr\r\n");
    // A binary value cannot be edited as text: the button says why instead.
    const binEdit = page.getByRole("button", { name: "Edit field bin\\x01" });
    expect(await binEdit.getAttribute("aria-disabled")).toBe("true");
    expect(await binEdit.getAttribute("title")).toMatch(/Binary value/);

    await page.getByRole("button", { name: "Delete field name" }).click();
    await confirmGuard("Delete field");
    await cellRow(table, "name").waitFor({ state: "detached" });
    expect(await r("HEXISTS", `${P}hash`, "name")).toBe(":0\r\n");
    await shot("16-hash");
  });

  it("edits a list: push, set by index, remove by index", async () => {
    await goTo(`${P}list`);
    const table = members(`${P}list`, "elements");
    await cellRow(table, "first").waitFor();
    // Push only adds: no confirmation.
    await page.getByRole("button", { name: "Push element" }).click();
    const push = dialog(`Push to ${P}list`);
    await push.getByLabel("Value").fill("fourth");
    await push.getByRole("button", { name: "Push element" }).click();
    await push.waitFor({ state: "hidden" });
    await cellRow(table, "fourth").waitFor();

    await page.getByRole("button", { name: "Edit element index 1" }).click();
    const edit = dialog(`Edit element 1 of ${P}list`);
    await edit.getByLabel("Value").fill("SECOND");
    await edit.getByRole("button", { name: "Save element" }).click();
    await confirmGuard("Save element");
    await cellRow(table, "SECOND").waitFor();

    await page.getByRole("button", { name: "Delete element index 0" }).click();
    await confirmGuard("Remove element");
    await expect
      .poll(() => r("LRANGE", `${P}list`, "0", "-1"))
      .toBe("*3\r\n$6\r\nSECOND\r\n$5\r\nthird\r\n$6\r\nfourth\r\n");
    await shot("17-list");
  });

  it("edits a set and a sorted set", async () => {
    await goTo(`${P}set`);
    const set = members(`${P}set`, "members");
    await cellRow(set, "red").waitFor();
    await page.getByRole("button", { name: "Add member" }).click();
    const add = dialog(`Add a member to ${P}set`);
    await add.getByLabel("Member").fill("violet");
    await add.getByRole("button", { name: "Add member" }).click();
    await cellRow(set, "violet").waitFor();
    await page.getByRole("button", { name: "Delete member red" }).click();
    await confirmGuard("Delete member");
    await cellRow(set, "red").waitFor({ state: "detached" });
    await shot("18-set");

    await goTo(`${P}zset`);
    const z = members(`${P}zset`, "members");
    await cellRow(z, "gold").waitFor();
    await page.getByRole("button", { name: "Edit member bronze" }).click();
    const edit = dialog(`Edit score in ${P}zset`);
    await edit.getByLabel("Score").fill("10.5");
    await edit.getByRole("button", { name: "Save score" }).click();
    await confirmGuard("Save score");
    await expect.poll(() => r("ZSCORE", `${P}zset`, "bronze")).toBe("$4\r\n10.5\r\n");
    // Ranks follow the scores: bronze is now last.
    await expect.poll(() => cellRow(z, "bronze").textContent()).toMatch(/^2bronze10\.5/);
    await page.getByRole("button", { name: "Delete member silver" }).click();
    await confirmGuard("Delete member");
    await cellRow(z, "silver").waitFor({ state: "detached" });
    await shot("19-zset");
  });

  it("edits a stream: add an entry, delete one", async () => {
    await goTo(`${P}stream`);
    const table = members(`${P}stream`, "entries");
    await cellRow(table, "1-1").waitFor();
    await page.getByRole("button", { name: "Add entry" }).click();
    const add = dialog(`Add an entry to ${P}stream`);
    await add.getByLabel("Field 1 name").fill("event");
    await add.getByLabel("Field 1 value").fill("purchase");
    await add.getByRole("button", { name: "Add another field" }).click();
    await add.getByLabel("Field 2 name").fill("amount");
    await add.getByLabel("Field 2 value").fill("9.99");
    await add.getByRole("button", { name: "Add entry" }).click();
    await add.waitFor({ state: "hidden" });
    await expect.poll(() => table.getByRole("row").count()).toBe(4);
    await page.getByRole("button", { name: "Delete entry 1-1" }).click();
    await confirmGuard("Delete entry");
    await cellRow(table, "1-1").waitFor({ state: "detached" });
    expect(await r("XLEN", `${P}stream`)).toBe(":2\r\n");
    await shot("20-stream");
  });

  it("creates, renames, sets and removes a TTL on, and deletes a key", async () => {
    await page.getByRole("button", { name: "New key" }).click();
    const create = dialog("New key in dev local");
    await create.getByLabel("Key name").fill(`${P}created`);
    await create.getByLabel("Type").selectOption("zset");
    await create.getByLabel("Member").fill("first");
    await create.getByLabel("Score").fill("1");
    await shot("21-create-key");
    await create.getByRole("button", { name: "Create key" }).click();
    // Creating a key overwrites nothing: no confirmation (the gate checks the key is new).
    await valuePanel(`${P}created`).waitFor();
    expect(await r("ZSCORE", `${P}created`, "first")).toBe("$1\r\n1\r\n");

    // An existing name is refused, inside the dialog.
    await page.getByRole("button", { name: "New key" }).click();
    await create.getByLabel("Key name").fill(`${P}created`);
    await create.getByLabel("Value").fill("x");
    await create.getByRole("button", { name: "Create key" }).click();
    await create
      .getByRole("alert")
      .getByText(/already exists/)
      .waitFor();
    await create.getByRole("button", { name: "Cancel" }).click();

    await valuePanel(`${P}created`).getByRole("button", { name: "Rename" }).click();
    const rename = dialog(`Rename ${P}created`);
    await rename.getByLabel("New name").fill(`${P}renamed`);
    await rename.getByRole("button", { name: "Rename key" }).click();
    // A rename that cannot replace another key (RENAMENX) loses nothing: no confirmation.
    await valuePanel(`${P}renamed`).waitFor();
    expect(await r("EXISTS", `${P}created`)).toBe(":0\r\n");

    await valuePanel(`${P}renamed`).getByRole("button", { name: "TTL" }).click();
    const ttl = dialog(`TTL of ${P}renamed`);
    await ttl.getByRole("button", { name: "1h", exact: true }).click();
    await ttl.getByRole("button", { name: "Set TTL" }).click();
    await confirmGuard("Set TTL");
    await expect.poll(() => r("TTL", `${P}renamed`)).toMatch(/^:3[56]\d\d\r\n$/);
    await page.getByText("1h", { exact: true }).first().waitFor();
    await valuePanel(`${P}renamed`).getByRole("button", { name: "TTL" }).click();
    // Removing a TTL only makes the key live longer: no confirmation.
    await ttl.getByRole("button", { name: "Remove TTL" }).click();
    await ttl.waitFor({ state: "hidden" });
    await expect.poll(() => r("TTL", `${P}renamed`)).toBe(":-1\r\n");

    await valuePanel(`${P}renamed`).getByRole("button", { name: "Delete", exact: true }).click();
    await confirmGuard("Delete key");
    await page.getByRole("heading", { name: "No key selected" }).waitFor();
    expect(await r("EXISTS", `${P}renamed`)).toBe(":0\r\n");
  });

  it("runs console commands with history, classification and errors", async () => {
    await open(ids.dev, "console");
    const input = page.getByRole("textbox", { name: "Command" });
    await input.fill(`SET ${P}console "hello world"`);
    await page.locator(".console-class").getByText("write", { exact: true }).waitFor();
    await input.press("Enter");
    const log = page.getByRole("log", { name: "Console output" });
    await log.getByText("OK", { exact: true }).waitFor();
    await input.fill(`GET ${P}console`);
    await input.press("Enter");
    await log.getByText('"hello world"', { exact: true }).waitFor();
    await input.fill(`HGETALL ${P}hash`);
    await input.press("Enter");
    await log.getByText(/1\) "lang"/).waitFor();
    await input.fill(`HGET ${P}console f`);
    await input.press("Enter");
    await log.getByText(/WRONGTYPE/).waitFor();
    // Up recalls the previous lines, Down comes back.
    await input.press("ArrowUp");
    expect(await input.inputValue()).toBe(`HGET ${P}console f`);
    await input.press("ArrowUp");
    expect(await input.inputValue()).toBe(`HGETALL ${P}hash`);
    await input.press("ArrowDown");
    await input.press("ArrowDown");
    expect(await input.inputValue()).toBe("");
    await input.fill("FLUSHDB");
    await page
      .locator(".console-class")
      .getByText(/run it as a workflow/)
      .waitFor();
    await input.press("Enter");
    await log.getByText(/changes every key at once/).waitFor();
    await input.fill("DBSIZE");
    await page.locator(".console-class").getByText("read", { exact: true }).waitFor();
    await shot("22-console");
  });

  it("shows server info: cards, keys per database, the redacted slow log", async () => {
    // Log every command for a moment, then nothing (the studio's own reads would push it out).
    await big.command("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await big.command("SET", "app:secret", "a value that must not show in the slow log");
    await big.command("CONFIG", "SET", "slowlog-log-slower-than", "-1");
    await open(ids.big, "info");
    await page.getByRole("region", { name: "Summary" }).getByText("Ops/sec").waitFor();
    const dbs = page.getByRole("table", { name: "Keys per database" });
    await cellRow(dbs, "100,005").waitFor();
    const slow = page.getByRole("table", { name: "Slow log" });
    await slow.getByRole("row").nth(1).waitFor();
    const text = await slow.textContent();
    expect(text).toContain("SET app:secret <");
    expect(text).not.toContain("must not show");
    await shot("23-server-info");

    await open(ids.mc, "info");
    await page.getByText(/keeps no slow log/).waitFor();
    await page.getByRole("region", { name: "Summary" }).getByText("Items").waitFor();
    await shot("24-server-info-memcached");
  });

  it("Memcached: strings only, with the listing notice and capability messages", async () => {
    await open(ids.mc, "browser");
    await page
      .getByText(/best-effort|not a point-in-time/)
      .first()
      .waitFor();
    await goTo(`${P}mc:greeting`);
    await expect
      .poll(() => page.getByRole("region", { name: "Value", exact: true }).textContent())
      .toBe("hello");
    const rename = valuePanel(`${P}mc:greeting`).getByRole("button", { name: "Rename" });
    expect(await rename.getAttribute("aria-disabled")).toBe("true");
    expect(await rename.getAttribute("title")).toMatch(/no RENAME/);
    await page.getByRole("button", { name: "New key" }).click();
    const create = dialog("New key in mc cache");
    expect(
      await create.getByRole("option", { name: "hash (not available)" }).getAttribute("disabled"),
    ).not.toBeNull();
    await create.getByText(/only byte strings/).waitFor();
    await create.getByLabel("Key name").fill(`${P}mc:new`);
    await create.getByLabel("Value").fill("fresh");
    await shot("25-memcached-create");
    await create.getByRole("button", { name: "Create key" }).click();
    await valuePanel(`${P}mc:new`).waitFor();
    await shot("26-memcached");
    await page.getByRole("tab", { name: "Console" }).click();
    await page.getByText("The console speaks Redis commands").waitFor();
  });

  it("looks right in the dark theme too", async () => {
    await theme("dark");
    await open(ids.big);
    await page.getByRole("heading", { level: 1, name: "big dev" }).waitFor();
    await page.getByRole("radio", { name: "Tree" }).check();
    await page.getByRole("tree").getByRole("treeitem").first().waitFor();
    await shot("32-tree-dark");
    await open(ids.dev);
    await goTo(`${P}zset`);
    await members(`${P}zset`, "members").getByRole("row").nth(1).waitFor();
    await shot("33-zset-dark");
    await open(ids.dev, "console");
    // The console keeps its lines while the window is open, across connections.
    await page.getByRole("log", { name: "Console output" }).getByText("OK").first().waitFor();
    await shot("34-console-dark");
    await open(ids.big, "info");
    await page.getByRole("table", { name: "Slow log" }).waitFor();
    await shot("35-server-info-dark");
    await theme("system");
  });

  it("logged no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
