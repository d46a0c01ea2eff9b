import { describe, expect, it } from "vitest";
import { FIELD_OF_PARAM, fieldOf } from "./observability-fields.ts";

describe("observability settings form: the server's param → the field", () => {
  it("maps the nested health params to the form's flat fields; the rest is the form's", () => {
    const cases: [string | undefined, string][] = [
      ["pollIntervalMs", "pollIntervalMs"],
      ["eventsIntervalMs", "eventsIntervalMs"],
      ["metricsRetentionDays", "metricsRetentionDays"],
      ["timelineRetentionDays", "timelineRetentionDays"],
      ["health.slowPingMs", "slowPingMs"],
      ["health.memoryRatio", "memoryRatio"],
      ["health.connectionsRatio", "connectionsRatio"],
      ["notifications.desktop", "form"],
      ["memoryRatio", "form"],
      [undefined, "form"],
    ];
    for (const [param, field] of cases) expect(fieldOf(param), String(param)).toBe(field);
    expect(Object.keys(FIELD_OF_PARAM)).toHaveLength(7);
  });
});
