import {
  buildAlertRule,
  emptyRollup,
  type HistoryEvent,
  HOUR_MS,
  initialAlertState,
  MINUTE_MS,
  type Rollup,
} from "@cachify/core";
import { describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.ts";
import { historyEvent, useTempDirs } from "./test-support.ts";

const H0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR_MS);

function minute(profileId: string, i: number, over: Partial<Rollup> = {}): Rollup {
  return {
    ...emptyRollup(profileId, H0 + i * MINUTE_MS, profileId === "p2" ? "prod" : "dev"),
    polls: 60,
    upPolls: 60,
    pingAvgMs: 1 + (i % 3),
    health: 0,
    appOps: 10,
    appErrors: i % 10 === 0 ? 2 : 0,
    appP50Ms: 1,
    appP95Ms: 2 + (i % 5),
    appKinds: { get: { ops: 10, errors: 0, p50Ms: 1, p95Ms: 2 } },
    ...over,
  };
}

describe("observability store: rollups, timeline filters, alerts", () => {
  const tempDir = useTempDirs();
  const withStore = (fn: (store: Store) => void) => {
    const store = openStore(tempDir());
    try {
      fn(store);
    } finally {
      store.close();
    }
  };

  it("writes minutes, keeps the hour up to date, and aggregates series at any step", () => {
    withStore((s) => {
      const rows = [
        ...Array.from({ length: 120 }, (_, i) => minute("p1", i)),
        ...Array.from({ length: 120 }, (_, i) => minute("p2", i, { polls: 60, upPolls: 30 })),
      ];
      s.metrics.writeMinutes(rows);
      // Minute step: one point per minute per profile.
      const perMinute = s.metrics.series({
        metrics: ["app_ops", "up"],
        from: H0,
        to: H0 + 2 * HOUR_MS,
        stepMs: MINUTE_MS,
      });
      expect(perMinute.timestamps).toHaveLength(120);
      expect(perMinute.timestamps[1]).toBe(H0 + MINUTE_MS);
      expect(perMinute.series.map((x) => `${x.profileId}/${x.metric}/${x.values.length}`)).toEqual([
        "p1/app_ops/120",
        "p1/up/120",
        "p2/app_ops/120",
        "p2/up/120",
      ]);
      // 15-minute step from minutes; 1-hour step from the hourly rollups: the same totals.
      const q = (stepMs: number, to = H0 + 2 * HOUR_MS) =>
        s.metrics.series({
          metrics: ["app_ops", "up", "app_p95_ms", "app_errors"],
          profileIds: ["p2"],
          from: H0,
          to,
          stepMs,
        }).series;
      const quarter = q(15 * MINUTE_MS);
      const hour = q(HOUR_MS);
      expect(quarter[0]!.values).toHaveLength(8);
      expect(quarter[0]!.values[0]).toBe(150);
      expect(hour[0]!.values).toEqual([600, 600]);
      expect(hour[1]!.values[0]).toBe(0.5);
      expect(hour[2]!.values[0]).toBe(6);
      expect(hour[3]!.values).toEqual([12, 12]);
      // Buckets without data are null (here: a third hour).
      expect(q(HOUR_MS, H0 + 3 * HOUR_MS)[0]!.values).toEqual([600, 600, null]);
      expect(s.metrics.rollups("hour", "p1", H0, H0 + 2 * HOUR_MS)).toHaveLength(2);
      expect(s.metrics.kindTotals(H0, H0 + HOUR_MS, ["p1"])).toMatchObject({ get: { ops: 600 } });
    });
  });

  it("merges a minute written twice (a restart inside the minute) instead of losing half", () => {
    withStore((s) => {
      s.metrics.writeMinutes([minute("p1", 0, { polls: 20, upPolls: 20, appOps: 3 })]);
      s.metrics.writeMinutes([minute("p1", 0, { polls: 40, upPolls: 30, appOps: 4 })]);
      expect(s.metrics.latest("p1")).toMatchObject({ polls: 60, upPolls: 50, appOps: 7 });
    });
  });

  it("heatmap: errors per connection × environment × time; prune keeps the retention window", () => {
    withStore((s) => {
      s.metrics.writeMinutes([
        minute("p1", 0),
        minute("p2", 0, { upPolls: 50, engineErrors: 3 }),
        minute("p2", 5),
      ]);
      const cells = s.metrics.heatmap(H0, H0 + HOUR_MS, 5 * MINUTE_MS);
      expect(cells).toEqual([
        { profileId: "p1", environment: "dev", ts: H0, app: 2, engine: 0, down: 0 },
        { profileId: "p2", environment: "prod", ts: H0, app: 2, engine: 3, down: 10 },
      ]);
      expect(s.metrics.prune(HOUR_MS, H0 + HOUR_MS + 3 * MINUTE_MS)).toBe(2);
      expect(s.metrics.latest("p1")).toBeUndefined();
    });
  });

  it("timeline filters: profiles, sources, environments, severities, search, and paging", () => {
    withStore((s) => {
      const events: HistoryEvent[] = Array.from({ length: 200 }, (_, i) =>
        historyEvent(i, {
          profileId: `p${i % 4}`,
          environment: i % 4 === 3 ? "prod" : "dev",
          severity: i % 10 === 0 ? "error" : "info",
          source: i % 7 === 0 ? "slowlog" : "app",
          message: i === 42 ? 'needle "quoted" 100%' : `event ${i}`,
          ...(i % 7 === 0
            ? { durationMs: i, dedupeKey: `slowlog:x:${i}` }
            : { durationMs: i / 10 }),
        }),
      );
      s.history.appendMany(events);
      const ids = (q: Parameters<Store["history"]["list"]>[0]) =>
        s.history.list(q).map((e) => e.id);
      const expectWhere = (
        q: Parameters<Store["history"]["list"]>[0],
        pred: (e: HistoryEvent) => boolean,
      ) =>
        expect(ids({ ...q, limit: 1000 })).toEqual(
          events
            .filter(pred)
            .sort((a, b) => b.ts - a.ts)
            .map((e) => e.id),
        );
      expectWhere({ environments: ["prod"] }, (e) => e.environment === "prod");
      expectWhere(
        { severities: ["error"], sources: ["app"] },
        (e) => e.severity === "error" && e.source === "app",
      );
      expectWhere(
        { profileIds: ["p1", "p2"] },
        (e) => e.profileId === "p1" || e.profileId === "p2",
      );
      expectWhere({ search: 'needle "quoted" 100%' }, (e) => e.id === events[42]!.id);
      expectWhere({ search: "100%" }, (e) => e.id === events[42]!.id);
      expect(ids({ environments: [] })).toEqual([]);
      // Paging with filters: pages join up to the whole list.
      const pages: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = ids({
          severities: ["info"],
          limit: 50,
          ...(before ? { beforeId: before } : {}),
        });
        pages.push(...page);
        if (page.length < 50) break;
        before = page.at(-1);
      }
      expect(pages).toEqual(ids({ severities: ["info"], limit: 1000 }));
      // Engine events: dedupe key lookups and the slowest first.
      expect(s.timeline.hasDedupeKey("slowlog:x:14")).toBe(true);
      expect(s.timeline.hasDedupeKey("slowlog:x:15")).toBe(false);
      const slow = s.timeline.slowest({ source: "slowlog", from: 0, to: 2_000_000, limit: 3 });
      expect(slow.map((e) => e.durationMs)).toEqual([196, 189, 182]);
      const narrow = s.timeline.slowest({
        source: "app",
        from: 1_000_000,
        to: 1_000_050,
        limit: 2,
      });
      expect(narrow.map((e) => e.durationMs)).toEqual([5, 4.8]);
    });
  });

  it("alert rules, states and de-duplicated notifications", () => {
    withStore((s) => {
      const rule = buildAlertRule(
        { name: "down", metric: "up", op: "<", threshold: 1 },
        undefined,
        "r1",
        1,
      );
      s.alerts.saveRule(rule);
      expect(() => s.alerts.saveRule({ ...rule, id: "r2" })).toThrow(/already exists/);
      s.alerts.saveStates([{ ...initialAlertState("r1", "p1", 5), state: "firing" }]);
      expect(s.alerts.listStates()).toMatchObject([{ ruleId: "r1", state: "firing" }]);
      const n = {
        id: "n1",
        ts: 10,
        dedupeKey: "r1:p1:firing:5",
        kind: "firing" as const,
        severity: "warning" as const,
        title: "Firing: down",
        body: "p1 (dev): up = 0 (rule: < 1)",
      };
      expect(s.alerts.addNotification(n)).toBe(true);
      expect(s.alerts.addNotification({ ...n, id: "n2" })).toBe(false);
      expect(s.alerts.unreadCount()).toBe(1);
      expect(s.alerts.markRead("all")).toBe(1);
      expect(s.alerts.notifications({ unreadOnly: true })).toEqual([]);
      // Removing the rule removes its states (cascade).
      expect(s.alerts.removeRule("r1")).toBe(true);
      expect(s.alerts.listStates()).toEqual([]);
      s.observability.setWatched("p1", false);
      expect([...s.observability.unwatched()]).toEqual(["p1"]);
      expect(s.observability.update({ pollIntervalMs: 500 }).pollIntervalMs).toBe(500);
      expect(() => s.observability.update({ pollIntervalMs: 5 })).toThrow(/pollIntervalMs/);
      expect(s.observability.get().pollIntervalMs).toBe(500);
    });
  });
});
