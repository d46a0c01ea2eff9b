import { describe, expect, it } from "vitest";
import { targetOf } from "./connection-fields.ts";

describe("add-connection form: the server's param → the input", () => {
  it("shows the form's own fields on themselves, every other profile field on the URL", () => {
    const cases: [string | undefined, string][] = [
      ["name", "name"],
      ["url", "url"],
      ["environment", "environment"],
      ["timeoutMs", "timeoutMs"],
      ["connectTimeoutMs", "timeoutMs"],
      ["host", "url"],
      ["port", "url"],
      ["db", "url"],
      ["mode", "url"],
      ["nodes[0].port", "url"],
      ["tls.ca", "url"],
      ["password", "url"],
      [undefined, "form"],
    ];
    for (const [param, target] of cases) expect(targetOf(param), String(param)).toBe(target);
  });
});
