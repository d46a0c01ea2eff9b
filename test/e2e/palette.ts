import type { Page } from "playwright-core";
import { expect } from "vitest";

/** The command palette (Ctrl+K), driven from the keyboard as a user would. */
export function palette(page: Page) {
  const openPalette = async () => {
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("dialog", { name: "Command palette" });
    await palette.waitFor();
    return palette;
  };
  /** Types into the palette, arrows down to the option, Enter: the keyboard path. */
  const runPalette = async (query: string, option: string | RegExp) => {
    const palette = await openPalette();
    const input = palette.getByRole("combobox", { name: "Go to a screen, connection or key" });
    await input.fill(query);
    const opt = palette.getByRole("option", { name: option }).first();
    await opt.waitFor();
    for (let i = 0; i < 80 && (await opt.getAttribute("aria-selected")) !== "true"; i++)
      await input.press("ArrowDown");
    expect(await opt.getAttribute("aria-selected")).toBe("true");
    await input.press("Enter");
    await palette.waitFor({ state: "hidden" });
  };
  return { openPalette, runPalette };
}
