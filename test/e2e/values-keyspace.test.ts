import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BIG, useValuesStudio } from "./values-fixture.ts";

/**
 * A 100k-key database in Chromium: the key list loaded whole and scrolled (virtualized), the same
 * keys as a namespace tree by a configurable delimiter, and a key opened by its exact name
 * without a scan. Screenshots go to test-artifacts/e2e/.
 */

const P = "e2evk:";

describe("a 100k-key database in the key browser", () => {
  const v = useValuesStudio(P);
  const { ids, shot, open, valuePanel, goTo } = v;
  let page: Page;
  beforeAll(() => {
    page = v.s.page;
  });

  it("loads a 100k-key database in the list, scrolling smoothly", async () => {
    await open(ids.big);
    await page.getByRole("heading", { level: 1, name: "big dev" }).waitFor();
    const list = page.getByRole("listbox", { name: "Keys matching *" });
    await list.getByRole("option").first().waitFor();
    const started = Date.now();
    await page.getByRole("button", { name: "Load all" }).click();
    const total = BIG + 5;
    await expect
      .poll(() => page.getByText(/keys loaded/).textContent(), { timeout: 90_000 })
      .toBe(
        `${total.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} keys loaded · scan complete`,
      );
    const loadMs = Date.now() - started;
    console.log(`e2e: loaded ${total} keys in ${loadMs} ms`);
    expect(await list.getByRole("option").first().getAttribute("aria-setsize")).toBe(String(total));
    // Virtualized: a screenful of rows in the DOM, not 100k.
    expect(await list.getByRole("option").count()).toBeLessThan(80);

    // Scroll through the list: every frame comes back quickly.
    const frames = await list.evaluate(async (el) => {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        el.scrollTop = (el.scrollHeight * i) / 30;
        await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
        times.push(performance.now() - t);
      }
      el.scrollTop = el.scrollHeight;
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      return times;
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `e2e: scroll frames median ${median.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    // Two frames per step: a smooth list answers a jump anywhere in 100k rows within ~2 frames.
    // (The max is logged, not asserted: the 2-core machine runs other suites meanwhile.)
    expect(median).toBeLessThan(80);
    expect(await list.getByRole("option").count()).toBeLessThan(80);
    await list.getByRole("option").last().click();
    await page.getByRole("region", { name: "Value", exact: true }).waitFor();
    await shot("10-big-list");
  });

  it("shows the same keys as a namespace tree, by a configurable delimiter", async () => {
    await page.getByRole("radio", { name: "Tree" }).check();
    const tree = page.getByRole("tree", { name: "Keys matching *" });
    const big = tree.getByRole("treeitem", { name: "e2ebig: (100,000 keys)" });
    // The key selected in the list is revealed: its folder opens, the tree scrolls to it.
    await tree.getByRole("treeitem", { selected: true }).waitFor();
    await tree.press("Home");
    await big.waitFor();
    expect(await big.getAttribute("aria-expanded")).toBe("true");
    await big.click();
    expect(await big.getAttribute("aria-expanded")).toBe("false");
    const app = tree.getByRole("treeitem", { name: "app: (5 keys)" });
    await app.click();
    expect(await app.getAttribute("aria-expanded")).toBe("true");
    await tree.getByRole("treeitem", { name: "users: (2 keys)" }).click();
    await tree.getByRole("treeitem", { name: "app:users:1" }).click();
    await valuePanel("app:users:1").waitFor();

    // The keyboard walks the tree: Left goes up to the folder, Left again closes it.
    await tree.press("ArrowLeft");
    await tree.press("ArrowLeft");
    expect(
      await tree.getByRole("treeitem", { name: "users: (2 keys)" }).getAttribute("aria-expanded"),
    ).toBe("false");
    await big.click();
    await tree.getByRole("treeitem", { name: "e2ebig:0", exact: true }).waitFor();
    expect(await tree.getByRole("treeitem").count()).toBeLessThan(80);
    await tree.press("ArrowDown");
    await tree.press("ArrowDown");
    await shot("11-big-tree");

    // Another delimiter regroups the same loaded keys without a new scan.
    let scans = 0;
    const count = (req: { url(): string }) => {
      if (req.url().includes("/keys?")) scans++;
    };
    page.on("request", count);
    await page.getByRole("textbox", { name: "Namespace delimiter" }).fill("_");
    await tree.getByRole("treeitem", { name: "e2ebig:0", exact: true }).waitFor();
    await page.getByRole("textbox", { name: "Namespace delimiter" }).fill(":");
    await tree.getByRole("treeitem", { name: "e2ebig: (100,000 keys)" }).waitFor();
    page.off("request", count);
    expect(scans).toBe(0);
  });

  it("opens a key by its exact name without scanning, and says when it is missing", async () => {
    await goTo("e2ebig:4242");
    await expect
      .poll(() => page.getByRole("region", { name: "Value", exact: true }).textContent())
      .toBe("value:4242");
    const input = page.getByRole("textbox", { name: "Go to key (exact name)" });
    await input.fill("e2ebig:nope");
    await input.press("Enter");
    await page.getByText("No key named").waitFor();
    await shot("12-goto-missing");
    await page.getByRole("radio", { name: "List" }).check();
  });
});
