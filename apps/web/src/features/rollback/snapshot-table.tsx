import type { ReactNode } from "react";
import type { SnapshotView } from "../../api/types.ts";
import { formatTime } from "../../lib/format.ts";
import { expiredWhy, type GroupBy, isExpired, shortId, snapshotTtl } from "./rollback-format.ts";

export type SnapshotGroup = [string, { label: ReactNode; title: string; rows: SnapshotView[] }];

/** The snapshots, grouped (by key or by execution), each with a checkbox and Compare. */
export function SnapshotTable({
  groups,
  groupBy,
  selected,
  chosen,
  now,
  onToggle,
  onCompare,
}: {
  groups: SnapshotGroup[];
  groupBy: GroupBy;
  selected: ReadonlySet<string>;
  chosen: string | undefined;
  now: number;
  onToggle: (ids: string[], on: boolean) => void;
  onCompare: (snapshotId: string) => void;
}) {
  return (
    <div className="rb-list">
      <table className="table compact-table rb-table" aria-label="Snapshots">
        <thead>
          <tr>
            <th scope="col" className="rb-check">
              <span className="sr-only">Select</span>
            </th>
            <th scope="col">{groupBy === "key" ? "Change" : "Key"}</th>
            <th scope="col">Type</th>
            <th scope="col">Captured</th>
            <th scope="col">TTL then</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Compare</span>
            </th>
          </tr>
        </thead>
        {groups.map(([gid, g]) => {
          const all = g.rows.map((r) => r.snapshotId);
          const on = all.every((id) => selected.has(id));
          return (
            <tbody key={gid}>
              <tr className="rb-group">
                <td className="rb-check">
                  <input
                    type="checkbox"
                    aria-label={`Select all of ${g.title}`}
                    checked={on}
                    onChange={(e) => onToggle(all, e.target.checked)}
                  />
                </td>
                <th scope="rowgroup" colSpan={6} title={g.title}>
                  {g.label} <span className="muted small">· {g.rows.length}</span>
                </th>
              </tr>
              {g.rows.map((s) => {
                const expired = isExpired(s, now);
                return (
                  <tr
                    key={s.snapshotId}
                    className={s.snapshotId === chosen ? "row-current" : undefined}
                  >
                    <td className="rb-check">
                      <input
                        type="checkbox"
                        aria-label={`Select snapshot of ${s.key} at ${formatTime(s.capturedAt)}`}
                        checked={selected.has(s.snapshotId)}
                        onChange={(e) => onToggle([s.snapshotId], e.target.checked)}
                      />
                    </td>
                    <td className="mono rb-what" title={groupBy === "key" ? s.operationId : s.key}>
                      {groupBy === "key"
                        ? `${s.operation}${s.executionId ? ` · ${shortId(s.executionId)}` : ""}`
                        : s.key}
                    </td>
                    <td>
                      {s.existed ? (
                        <span className={`type-badge type-${s.type}`}>{s.type}</span>
                      ) : (
                        <span className="muted small">absent</span>
                      )}
                    </td>
                    <td className="mono nowrap" title={new Date(s.capturedAt).toISOString()}>
                      {formatTime(s.capturedAt)}
                    </td>
                    <td className="small nowrap">{snapshotTtl(s, now)}</td>
                    <td className="small">
                      {expired ? (
                        <span className="rb-flag rb-expired" title={expiredWhy(s)}>
                          expired
                        </span>
                      ) : s.restoreStatus !== "available" ? (
                        <span className="rb-flag">{s.restoreStatus}</span>
                      ) : (
                        <span className="muted">available</span>
                      )}
                    </td>
                    <td className="col-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-pressed={s.snapshotId === chosen}
                        aria-label={`Compare ${s.key} at ${formatTime(s.capturedAt)}`}
                        onClick={() => onCompare(s.snapshotId)}
                      >
                        Compare
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
