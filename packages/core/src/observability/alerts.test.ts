import { describe, expect, it } from "vitest";
import {
  type AlertRule,
  type AlertState,
  alertNotificationText,
  buildAlertRule,
  evaluateAlert,
  initialAlertState,
  reduceWindow,
  ruleApplies,
} from "./alerts.ts";
import { alertEvent } from "./engine-events.ts";
import type { MetricPoint } from "./metrics.ts";

const T0 = 1_700_000_000_000;

function rule(over: Partial<Parameters<typeof buildAlertRule>[0]> = {}): AlertRule {
  return buildAlertRule(
    {
      name: "redis down",
      metric: "up",
      op: "<",
      threshold: 1,
      forMs: 3000,
      windowMs: 5000,
      ...over,
    },
    undefined,
    "alr_1",
    T0,
  );
}

/** Runs the state machine over a series of (time, value) with an injected clock. */
function run(r: AlertRule, steps: [number, number | undefined][]) {
  let s: AlertState = initialAlertState(r.id, "p1", T0);
  const log: string[] = [];
  for (const [t, v] of steps) {
    const d = evaluateAlert(r, s, v, T0 + t);
    s = d.state;
    if (d.changed) log.push(`${t}:${d.changed.from}->${d.changed.to}`);
    if (d.notice) log.push(`${t}:notify:${d.notice}`);
  }
  return { state: s, log };
}

describe("alert rules: normal → pending → firing → resolved, with an injected clock", () => {
  it("waits the pending period, fires exactly once, then resolves once", () => {
    const { log, state } = run(rule(), [
      [0, 1],
      [1000, 0],
      [2000, 0],
      [3500, 0],
      [4000, 0],
      [5000, 0],
      [6000, 0],
      [7000, 1],
      [8000, 1],
    ]);
    expect(log).toEqual([
      "1000:normal->pending",
      "4000:pending->firing",
      "4000:notify:firing",
      "7000:firing->resolved",
      "7000:notify:resolved",
    ]);
    expect(state.state).toBe("resolved");
  });

  it("a condition that clears while pending goes back to normal without a notification", () => {
    expect(
      run(rule(), [
        [0, 0],
        [1000, 0],
        [2000, 1],
      ]).log,
    ).toEqual(["0:normal->pending", "2000:pending->normal"]);
  });

  it("fires at once without a pending period, and repeats only at the repeat interval", () => {
    const r = rule({ forMs: 0, repeatIntervalMs: 10_000 });
    expect(
      run(r, [
        [0, 0],
        [5000, 0],
        [9999, 0],
        [10_000, 0],
        [15_000, 0],
        [20_000, 0],
      ]).log,
    ).toEqual([
      "0:normal->firing",
      "0:notify:firing",
      "10000:notify:repeat",
      "20000:notify:repeat",
    ]);
  });

  it("no data changes nothing; sendResolved false resolves quietly; a disabled rule goes back to normal", () => {
    expect(
      run(rule({ forMs: 0 }), [
        [0, 0],
        [1000, undefined],
        [2000, undefined],
      ]).state.state,
    ).toBe("firing");
    expect(
      run(rule({ forMs: 0, sendResolved: false }), [
        [0, 0],
        [1000, 1],
      ]).log,
    ).toEqual(["0:normal->firing", "0:notify:firing", "1000:firing->resolved"]);
    const s = run(rule({ forMs: 0 }), [[0, 0]]).state;
    const off = evaluateAlert(rule({ enabled: false }), s, 0, T0 + 1000);
    expect(off.state.state).toBe("normal");
    expect(off.notice).toBeUndefined();
  });

  it("from resolved, a new breach starts a new episode (pending again)", () => {
    const { log } = run(rule(), [
      [0, 0],
      [3000, 0],
      [4000, 1],
      [5000, 0],
      [8000, 0],
    ]);
    expect(log).toEqual([
      "0:normal->pending",
      "3000:pending->firing",
      "3000:notify:firing",
      "4000:firing->resolved",
      "4000:notify:resolved",
      "5000:resolved->pending",
      "8000:pending->firing",
      "8000:notify:firing",
    ]);
  });
});

describe("reduce over the window", () => {
  const pts = (vals: [number, number][]): MetricPoint[] =>
    vals.map(([t, v]) => ({ ts: T0 + t, values: { app_errors: v, ping_ms: v } }));
  const series = pts([
    [1000, 2],
    [2000, 4],
    [3000, 6],
    [9000, 10],
  ]);
  it("last, avg, max and rate look only at (now - window, now]", () => {
    const at = T0 + 9000;
    const r = (reduce: AlertRule["reduce"], metric: "app_errors" | "ping_ms" = "ping_ms") =>
      reduceWindow({ metric, reduce, windowMs: 8500 }, series, at);
    expect(r("last")).toBe(10);
    expect(r("avg")).toBe((2 + 4 + 6 + 10) / 4);
    expect(r("max")).toBe(10);
    // A count: the window's sum per second.
    expect(r("rate", "app_errors")).toBeCloseTo(22 / 8.5);
    // A gauge: the change per second between the first and last point.
    expect(r("rate")).toBeCloseTo((10 - 2) / 8);
    expect(
      reduceWindow({ metric: "ping_ms", reduce: "last", windowMs: 1000 }, series, T0 + 20_000),
    ).toBe(undefined);
  });
});

describe("rule input and scope", () => {
  it("checks every field and says what to write", () => {
    expect(() => rule({ metric: "nope" as never })).toThrow(/Unknown metric "nope": use one of up/);
    expect(() => rule({ op: "~" as never })).toThrow(/op/);
    expect(() => rule({ windowMs: 10 })).toThrow(/windowMs/);
    expect(() => rule({ windowMs: 7_200_000 })).toThrow(/windowMs/);
    expect(() => rule({ name: " " })).toThrow(/name/);
    expect(() => rule({ scope: { environments: ["qa" as never] } })).toThrow(/environment/);
    expect(rule()).toMatchObject({
      reduce: "last",
      severity: "warning",
      notify: { inApp: true, desktop: true },
      sendResolved: true,
      scope: { profiles: [], environments: [] },
    });
  });

  it("scope: listed profiles plus the profiles of listed environments; none listed means all", () => {
    const all = rule();
    const some = rule({ scope: { profiles: ["a"], environments: ["prod"] } });
    expect(ruleApplies(all, { id: "x", environment: "dev" })).toBe(true);
    expect(ruleApplies(some, { id: "a", environment: "dev" })).toBe(true);
    expect(ruleApplies(some, { id: "b", environment: "prod" })).toBe(true);
    expect(ruleApplies(some, { id: "b", environment: "dev" })).toBe(false);
  });

  it("notification text holds the rule, profile, metric and number only", () => {
    const t = alertNotificationText(
      rule({ reduce: "avg" }),
      { name: "cache-1", environment: "prod" },
      "firing",
      0,
    );
    expect(t.title).toBe("Firing: redis down");
    expect(t.body).toBe("cache-1 (prod): avg(up) over 5s = 0 (rule: < 1)");
    const d = evaluateAlert(rule({ forMs: 0 }), initialAlertState("alr_1", "p1", T0), 0, T0);
    const e = alertEvent(
      rule({ forMs: 0 }),
      { id: "p1", name: "cache-1", environment: "prod" },
      d,
      T0,
    );
    expect(e).toMatchObject({ source: "alert", kind: "alert-firing", severity: "warning" });
  });
});
