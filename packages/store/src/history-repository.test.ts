import type { HistoryEvent } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.ts";
import { historyEvent, useTempDirs } from "./test-support.ts";

/** The order list() promises: ts descending, then id descending. */
const newestFirst = (a: HistoryEvent, b: HistoryEvent) =>
  b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

describe("HistoryRepository", () => {
  const tempDir = useTempDirs();
  const withStore = (fn: (store: Store) => void) => {
    const store = openStore(tempDir());
    try {
      fn(store);
    } finally {
      store.close();
    }
  };

  /** 300 events over three profiles and two sources; several share a timestamp. */
  const sample = (): HistoryEvent[] =>
    Array.from({ length: 300 }, (_, i) =>
      historyEvent(i, {
        ts: 1_000_000 + Math.floor(i / 3) * 10,
        profileId: `p${i % 3}`,
        source: i % 5 === 0 ? "slowlog" : "app",
        ...(i % 50 === 0 ? { executionId: `exe_${i}` } : {}),
      }),
    );

  it("round-trips an event with every field", () => {
    withStore((store) => {
      const event: HistoryEvent = {
        id: "evt_full",
        ts: 1_234,
        source: "app",
        kind: "operation",
        severity: "warning",
        profileId: "p1",
        profileName: "prod",
        environment: "prod",
        origin: "cli",
        operation: "delete",
        keys: ["user:1", "user:2"],
        keyCount: 2,
        durationMs: 3.5,
        outcome: "error",
        errorCode: "timeout",
        errorClass: "timeout-ambiguous",
        attempts: 2,
        message: "timed out",
        executionId: "exe_1",
        dedupeKey: "d1",
        count: 4,
      };
      store.history.append(event);
      expect(store.history.list({})).toStrictEqual([event]);
      const bare = historyEvent(1);
      store.history.append(bare);
      expect(store.history.list({ since: 1_000_000 })).toStrictEqual([bare]);
    });
  });

  it("lists newest first with a default limit of 100 and a cap of 1000", () => {
    withStore((store) => {
      const events = Array.from({ length: 1100 }, (_, i) => historyEvent(i));
      store.history.appendMany(events);
      const sorted = [...events].sort(newestFirst);
      expect(store.history.list({})).toStrictEqual(sorted.slice(0, 100));
      expect(store.history.list({ limit: 5000 })).toHaveLength(1000);
      expect(store.history.list({ limit: 3 }).map((e) => e.id)).toEqual(
        sorted.slice(0, 3).map((e) => e.id),
      );
      expect(() => store.history.list({ limit: 0 })).toThrowError(
        expect.objectContaining({ code: "bad-input" }),
      );
    });
  });

  it("filters by profile, source and time range (both ends inclusive), alone and together", () => {
    withStore((store) => {
      const events = sample();
      store.history.appendMany(events);
      const expectFilter = (
        query: Parameters<Store["history"]["list"]>[0],
        keep: (e: HistoryEvent) => boolean,
      ) =>
        expect(store.history.list({ ...query, limit: 1000 })).toStrictEqual(
          events.filter(keep).sort(newestFirst),
        );

      expectFilter({ profileId: "p1" }, (e) => e.profileId === "p1");
      expectFilter({ source: "slowlog" }, (e) => e.source === "slowlog");
      expectFilter({ since: 1_000_500 }, (e) => e.ts >= 1_000_500);
      expectFilter({ until: 1_000_100 }, (e) => e.ts <= 1_000_100);
      expectFilter(
        { profileId: "p2", source: "app", since: 1_000_200, until: 1_000_700 },
        (e) => e.profileId === "p2" && e.source === "app" && e.ts >= 1_000_200 && e.ts <= 1_000_700,
      );
      expect(store.history.list({ profileId: "nobody" })).toEqual([]);
    });
  });

  it("pages back with beforeId through events that share a timestamp, with no gap or repeat", () => {
    withStore((store) => {
      const events = sample();
      store.history.appendMany(events);
      for (const filter of [{}, { profileId: "p0" }, { source: "app" as const }]) {
        const pages: HistoryEvent[][] = [];
        let beforeId: string | undefined;
        for (;;) {
          const page = store.history.list({
            ...filter,
            limit: 7,
            ...(beforeId ? { beforeId } : {}),
          });
          if (page.length === 0) break;
          pages.push(page);
          beforeId = page.at(-1)!.id;
        }
        expect(pages.flat()).toStrictEqual(store.history.list({ ...filter, limit: 1000 }));
        expect(pages.every((p) => p.length <= 7)).toBe(true);
      }
    });
  });

  it("refuses to page from an event that is not there", () => {
    withStore((store) => {
      expect(() => store.history.list({ beforeId: "evt_missing" })).toThrowError(
        expect.objectContaining({ code: "not-found" }),
      );
    });
  });

  it("prunes events older than the given age and returns how many went", () => {
    withStore((store) => {
      const now = 2_000_000;
      const events = Array.from({ length: 12_000 }, (_, i) =>
        historyEvent(i, { ts: now - 12_000 + i }),
      );
      store.history.appendMany(events);
      // Keep the last 1000 ms: ts >= now - 1000.
      expect(store.history.prune(1000, now)).toBe(11_000);
      expect(store.history.list({ limit: 1000 })).toHaveLength(1000);
      expect(store.history.list({ until: now - 1001 })).toEqual([]);
      expect(store.history.prune(1000, now)).toBe(0);
    });
  });

  it("measures 10,000 appends (printed, not asserted)", () => {
    withStore((store) => {
      const events = Array.from({ length: 10_000 }, (_, i) =>
        historyEvent(i, {
          profileId: `p${i % 10}`,
          operation: "set",
          keys: [`user:${i}`],
          durationMs: 0.4,
        }),
      );
      const each: number[] = [];
      let t = performance.now();
      for (const e of events) {
        const t0 = performance.now();
        store.history.append(e);
        each.push(performance.now() - t0);
      }
      const single = performance.now() - t;
      each.sort((a, b) => a - b);
      const µs = (q: number) => ((each[Math.floor(each.length * q)] ?? 0) * 1000).toFixed(1);

      const batch = events.map((e) => ({ ...e, id: `${e.id}_b` }));
      t = performance.now();
      store.history.appendMany(batch);
      const many = performance.now() - t;

      t = performance.now();
      store.history.list({ profileId: "p3", limit: 100 });
      const page = performance.now() - t;

      console.log(
        `history: 10,000 single appends ${single.toFixed(0)} ms ` +
          `(mean ${((single * 1000) / 10_000).toFixed(1)} µs, p50 ${µs(0.5)} µs, p99 ${µs(0.99)} µs); ` +
          `appendMany of 10,000 ${many.toFixed(0)} ms; a filtered page of 100 from 20,000 ${page.toFixed(2)} ms`,
      );
      expect(store.history.list({ limit: 1000 })).toHaveLength(1000);
    });
  });
});
