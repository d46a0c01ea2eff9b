import type {
  AlertRule,
  AlertState,
  ConnectionProfile,
  HeatmapCell,
  HistoryEvent,
  HistoryQuery,
} from "@cachify/core";
import { describe, expect, it } from "vitest";
import { AlertRules } from "./alert-rules.ts";
import { LiveBus } from "./live-bus.ts";
import { NotificationCentre } from "./notification-centre.ts";
import { ObservabilityQueries } from "./queries.ts";

/** The parts of observability that read what is stored, over fakes of the ports they depend on. */

const profile = (id: string, name: string): ConnectionProfile =>
  ({ id, name, environment: "dev", engine: "redis" }) as ConnectionProfile;
const PROFILES = [profile("p1", "one"), profile("p2", "two")];
const profiles = {
  list: () => PROFILES,
  resolve: (ref: string) => {
    const p = PROFILES.find((x) => x.id === ref || x.name === ref);
    if (!p) throw new Error(`no profile ${ref}`);
    return p;
  },
};

describe("ObservabilityQueries", () => {
  const listed: HistoryQuery[] = [];
  const cells: HeatmapCell[] = [
    { profileId: "p1", environment: "dev", ts: 0, app: 1, engine: 2, down: 0 },
    { profileId: "p1", environment: "dev", ts: 60_000, app: 0, engine: 0, down: 1 },
    { profileId: "gone", environment: "prod", ts: 0, app: 4, engine: 0, down: 0 },
  ];
  const q = new ObservabilityQueries({
    metrics: {
      series: (s) => ({ timestamps: [s.from], series: [] }),
      heatmap: () => cells,
      kindTotals: () => ({ get: { ops: 1, errors: 0 }, set: { ops: 5, errors: 1 } }),
    },
    timeline: { slowest: () => [] },
    history: {
      list: (query) => {
        listed.push(query);
        return Array.from(
          { length: query.limit ?? 0 },
          (_, i) => ({ id: `e${i}` }) as HistoryEvent,
        );
      },
    },
    profiles,
  });

  it("resolves a range ending now, or from..to, and refuses steps under a minute", () => {
    expect(q.resolveRange({ range: "1h" }, 7_200_000)).toMatchObject({
      from: 3_600_000,
      to: 7_200_000,
    });
    expect(q.resolveRange({ from: 0, to: 600_000, stepMs: 60_000 })).toEqual({
      from: 0,
      to: 600_000,
      stepMs: 60_000,
    });
    expect(() => q.resolveRange({ from: 5, to: 5 })).toThrow(/must end after it starts/);
    expect(() => q.resolveRange({ from: 0, to: 600_000, stepMs: 1000 })).toThrow(/at least 60000/);
    expect(() => q.series({ range: "1h", metrics: ["nope"] })).toThrow(/Unknown metric "nope"/);
  });

  it("sums the heatmap per profile row and per environment bucket, naming removed profiles", () => {
    const h = q.heatmap({ from: 0, to: 120_000, stepMs: 60_000 });
    expect(h.rows).toEqual([
      { profileId: "p1", profileName: "one", environment: "dev", total: 4 },
      { profileId: "gone", profileName: "(removed profile)", environment: "prod", total: 4 },
    ]);
    expect(h.environments).toEqual([
      {
        environment: "dev",
        cells: [
          [0, 3],
          [60_000, 1],
        ],
      },
      { environment: "prod", cells: [[0, 4]] },
    ]);
  });

  it("orders operations by count and pages the timeline with the id of the last event", () => {
    expect(q.operations({ range: "1h" }).kinds.map((k) => k.kind)).toEqual(["set", "get"]);
    const page = q.timeline({ limit: 3 });
    expect(page.nextBeforeId).toBe("e2");
    expect(q.profileIds(["two", "p1"])).toEqual(["p2", "p1"]);
  });
});

describe("AlertRules", () => {
  it("keeps profile ids in a rule's scope, resolves by name, and tells the collector of each change", () => {
    const saved = new Map<string, AlertRule>();
    let changes = 0;
    const rules = new AlertRules({
      alerts: {
        listRules: () => [...saved.values()],
        getRule: (id) => saved.get(id),
        getRuleByName: (name) => [...saved.values()].find((r) => r.name === name),
        saveRule: (r) => void saved.set(r.id, r),
        removeRule: (id) => saved.delete(id),
      },
      profiles,
      states: () => [
        { ruleId: [...saved.keys()][0], profileId: "p2", state: "firing" } as AlertState,
      ],
      changed: () => changes++,
    });
    const rule = rules.add({
      name: "down",
      metric: "up",
      op: "<",
      threshold: 1,
      scope: { profiles: ["two"] },
    });
    expect(rule.scope.profiles).toEqual(["p2"]);
    expect(rules.resolve("down").id).toBe(rule.id);
    expect(rules.list()[0]!.states).toEqual([expect.objectContaining({ profileName: "two" })]);
    expect(rules.update("down", { enabled: false }).enabled).toBe(false);
    expect(rules.remove("down").id).toBe(rule.id);
    expect(changes).toBe(3);
    expect(() => rules.resolve("down")).toThrow(/No alert rule named "down"/);
  });
});

describe("NotificationCentre", () => {
  it("marks read and pushes the unread count", () => {
    const live = new LiveBus();
    const pushed: unknown[] = [];
    live.subscribe((m) => pushed.push(m));
    let unread = 2;
    const centre = new NotificationCentre({
      alerts: {
        notifications: () => [],
        unreadCount: () => unread,
        markRead: (ids) => {
          const n = ids === "all" ? unread : ids.length;
          unread -= n;
          return n;
        },
      },
      live,
    });
    expect(centre.markRead(["a"])).toEqual({ marked: 1, unread: 1 });
    expect(pushed).toEqual([{ type: "notifications", unread: 1 }]);
    expect(centre.list()).toEqual({ notifications: [], unread: 1 });
  });
});
