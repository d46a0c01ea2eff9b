import { type ReactNode, useId } from "react";
import type { DashboardAnswer } from "../../api/observability.ts";
import type { HistoryEvent, ProfileView } from "../../api/types.ts";
import { formatCount, formatDuration, formatTime } from "../../lib/format.ts";
import { formatMs } from "./format.ts";

function keysOf(e: HistoryEvent): string {
  const keys = e.keys ?? [];
  const more = (e.keyCount ?? keys.length) - keys.length;
  return `${keys.join(", ")}${more > 0 ? ` +${formatCount(more)} more` : ""}`;
}

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
  const app = slow?.app ?? [];
  const engine = slow?.engine ?? [];

  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="panel-head">
        <h2 id={titleId} className="panel-title">
          Slow operations
        </h2>
      </div>
      <div className="slow-grid">
        <div>
          <h3 className="panel-sub">This studio's slowest operations</h3>
          {app.length === 0 ? (
            <Empty>No operations by this studio in this range.</Empty>
          ) : (
            <table
              className="table compact-table slow-table"
              aria-label="Slowest studio operations"
            >
              <thead>
                <tr>
                  <th scope="col" className="num w-dur">
                    Duration
                  </th>
                  <th scope="col" className="w-op">
                    Operation
                  </th>
                  <th scope="col">Keys</th>
                  {!single && (
                    <th scope="col" className="w-conn">
                      Connection
                    </th>
                  )}
                  <th scope="col" className="w-time">
                    Time
                  </th>
                </tr>
              </thead>
              <tbody>
                {app.map((e) => (
                  <tr key={e.id}>
                    <td className="num mono nowrap">{formatDuration(e.durationMs)}</td>
                    <td className="nowrap ellipsis" title={e.kind}>
                      <span className="mono">{e.kind}</span>
                      {e.outcome && e.outcome !== "ok" && (
                        <span className={`outcome outcome-${e.outcome}`}>{e.outcome}</span>
                      )}
                    </td>
                    <td className="mono cell-keys" title={keysOf(e)}>
                      {keysOf(e)}
                    </td>
                    {!single && (
                      <td className="nowrap ellipsis" title={conn(e)}>
                        {conn(e)}
                      </td>
                    )}
                    <td className="mono nowrap ellipsis" title={new Date(e.ts).toISOString()}>
                      {formatTime(e.ts)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3 className="panel-sub">Engine slow log</h3>
          {engine.length === 0 ? (
            <Empty>
              {allMemcached
                ? "Memcached keeps no slow log."
                : "No slow log entries in this range (Redis logs commands over slowlog-log-slower-than, 10 ms by default)."}
            </Empty>
          ) : (
            <table className="table compact-table slow-table" aria-label="Engine slow log">
              <thead>
                <tr>
                  <th scope="col" className="num w-dur">
                    Duration
                  </th>
                  <th scope="col">Command</th>
                  {!single && (
                    <th scope="col" className="w-conn">
                      Connection
                    </th>
                  )}
                  <th scope="col" className="w-time">
                    Time
                  </th>
                </tr>
              </thead>
              <tbody>
                {engine.map((e) => (
                  <tr key={e.id}>
                    <td className="num mono nowrap">
                      {e.durationMs === undefined ? "" : formatMs(e.durationMs)}
                    </td>
                    <td className="mono cell-keys" title={e.message}>
                      {e.message}
                    </td>
                    {!single && (
                      <td className="nowrap ellipsis" title={conn(e)}>
                        {conn(e)}
                      </td>
                    )}
                    <td className="mono nowrap ellipsis" title={new Date(e.ts).toISOString()}>
                      {formatTime(e.ts)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
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
        <table className="table compact-table" aria-label="Operations by kind">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Operations
              </th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col" className="num">
                p50
              </th>
              <th scope="col" className="num">
                p95
              </th>
              <th scope="col" className="num">
                p99
              </th>
              <th scope="col" className="num">
                Max
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.kind} className={k.errors > 0 ? "row-problem" : undefined}>
                <td className="mono">{k.kind}</td>
                <td className="num mono">{formatCount(k.ops)}</td>
                <td className="num mono">{formatCount(k.errors)}</td>
                <td className="num mono nowrap">{ms(k.p50Ms)}</td>
                <td className="num mono nowrap">{ms(k.p95Ms)}</td>
                <td className="num mono nowrap">{ms(k.p99Ms)}</td>
                <td className="num mono nowrap">{ms(k.maxMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
