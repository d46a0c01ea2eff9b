import { describe, expect, it } from "vitest";
import { FIELD_OF_PARAM, fieldOf } from "./rule-model.ts";

describe("alert rule form: the server's param → the field", () => {
  it("maps every param buildAlertRule names, and nothing by its message", () => {
    const cases: [string | undefined, string][] = [
      ["name", "name"],
      ["metric", "metric"],
      ["reduce", "reduce"],
      ["windowMs", "window"],
      ["op", "op"],
      ["threshold", "threshold"],
      ["forMs", "forMs"],
      ["repeatIntervalMs", "repeat"],
      ["severity", "severity"],
      ["scope.environments.0", "scope"],
      ["scope.profiles", "scope"],
      ["notify.inApp", "form"],
      [undefined, "form"],
    ];
    for (const [param, field] of cases) expect(fieldOf(param), String(param)).toBe(field);
    expect(Object.keys(FIELD_OF_PARAM)).toHaveLength(10);
  });
});
