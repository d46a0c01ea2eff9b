import { type ReactNode, useId } from "react";
import type { DashboardAnswer } from "../../api/observability.ts";
import type { HistoryEvent, ProfileView } from "../../api/types.ts";
import { formatCount, formatDuration, keysText } from "../../lib/format.ts";
import { durationColumn, numColumn, textColumn, timeColumn } from "../../ui/columns.tsx";
import { type Column, DataTable } from "../../ui/data-table.tsx";
import { Outcome } from "../../ui/outcome.tsx";
import { formatMs } from "./format.ts";

type Kind = DashboardAnswer["operations"][number];

function Empty({ children }: { children: ReactNode }) {
  return <p className="panel-empty muted">{children}</p>;
}

/**
 * The slowest operations in the range: this studio's own (from its audit) and the engine's slow
 * log (SLOWLOG entries, arguments redacted to their size by the server).
 */
export function SlowPanel({
  slow,
  profiles,
  single,
}: {
  slow: DashboardAnswer["slow"] | undefined;
  profiles: ProfileView[];
  single: boolean;
}) {
  const titleId = useId();
  const names = new Map(profiles.map((p) => [p.id, p.name]));
  const conn = (e: HistoryEvent) =>
    e.profileName ?? (e.profileId ? names.get(e.profileId) : undefined) ?? "–";
  const allMemcached = profiles.length > 0 && profiles.every((p) => p.engine === "memcached");
  const connColumn: Column<HistoryEvent> = {
    header: "Connection",
    className: "w-conn",
    show: !single,
    cellClassName: "nowrap ellipsis",
    cellTitle: conn,
    cell: conn,
  };
  const when = timeColumn<HistoryEvent>((e) => e.ts, {
    className: "w-time",
    cellClassName: "mono nowrap ellipsis",
  });

  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="panel-head">
        <h2 id={titleId} className="panel-title">
          Slow operations
        </h2>
      </div>
      <div className="slow-grid">
        {(
          [
            {
              title: "This studio's slowest operations",
              label: "Slowest studio operations",
              rows: slow?.app ?? [],
              empty: "No operations by this studio in this range.",
              columns: [
                durationColumn<HistoryEvent>((e) => formatDuration(e.durationMs), "num w-dur"),
                {
                  header: "Operation",
                  className: "w-op",
                  cellClassName: "nowrap ellipsis",
                  cellTitle: (e) => e.kind,
                  cell: (e) => (
                    <>
                      <span className="mono">{e.kind}</span>
                      <Outcome outcome={e.outcome} />
                    </>
                  ),
                },
                textColumn<HistoryEvent>("Keys", keysText),
              ],
            },
            {
              title: "Engine slow log",
              label: "Engine slow log",
              rows: slow?.engine ?? [],
              empty: allMemcached
                ? "Memcached keeps no slow log."
                : "No slow log entries in this range (Redis logs commands over slowlog-log-slower-than, 10 ms by default).",
              columns: [
                durationColumn<HistoryEvent>(
                  (e) => (e.durationMs === undefined ? "" : formatMs(e.durationMs)),
                  "num w-dur",
                ),
                textColumn<HistoryEvent>("Command", (e) => e.message ?? ""),
              ],
            },
          ] satisfies {
            title: string;
            label: string;
            rows: HistoryEvent[];
            empty: string;
            columns: Column<HistoryEvent>[];
          }[]
        ).map((t) => (
          <div key={t.label}>
            <h3 className="panel-sub">{t.title}</h3>
            {t.rows.length === 0 ? (
              <Empty>{t.empty}</Empty>
            ) : (
              <DataTable
                className="table compact-table slow-table"
                label={t.label}
                rows={t.rows}
                rowKey={(e) => e.id}
                columns={[...t.columns, connColumn, when]}
              />
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

/** This studio's operations per kind over the range: counts, errors, latency percentiles. */
export function OperationsPanel({ kinds }: { kinds: DashboardAnswer["operations"] | undefined }) {
  const titleId = useId();
  const rows = kinds ?? [];
  const ms = (v: number | undefined) => (v === undefined ? "–" : formatMs(v));
  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="panel-head">
        <h2 id={titleId} className="panel-title">
          Operations by kind
        </h2>
        <span className="muted small">this studio's operations</span>
      </div>
      {rows.length === 0 ? (
        <Empty>
          No operations by this studio in this range. Operations are stored per minute: the current
          minute shows once it ends.
        </Empty>
      ) : (
        <DataTable
          className="table compact-table"
          label="Operations by kind"
          rows={rows}
          rowKey={(k) => k.kind}
          rowClassName={(k) => (k.errors > 0 ? "row-problem" : undefined)}
          columns={[
            { header: "Kind", cellClassName: "mono", cell: (k) => k.kind },
            numColumn<Kind>("Operations", (k) => formatCount(k.ops)),
            numColumn<Kind>("Errors", (k) => formatCount(k.errors)),
            ...(["p50Ms", "p95Ms", "p99Ms", "maxMs"] as const).map(
              (f): Column<Kind> => ({
                header: f === "maxMs" ? "Max" : f.slice(0, 3),
                className: "num",
                cellClassName: "num mono nowrap",
                cell: (k) => ms(k[f]),
              }),
            ),
          ]}
        />
      )}
    </section>
  );
}
