import type { StudioPage } from "./studio-page.ts";

/** The parts of a connection's Workflows tab the workflow suites look at (workflow*.test.ts). */
export function workflowParts(s: StudioPage) {
  const templates = () => s.page.getByRole("navigation", { name: "Templates" });
  return {
    templates,
    pickTemplate: (name: string) =>
      templates()
        .getByRole("button", { name: new RegExp(`^${name}`) })
        .click(),
    form: (title: string) => s.page.getByRole("form", { name: title }),
    totals: () => s.page.locator(".wf-totals"),
    progress: () => s.page.getByRole("region", { name: "Execution progress" }),
  };
}
