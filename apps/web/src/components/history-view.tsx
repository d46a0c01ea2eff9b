import { useMemo, useState } from "react";
import { HISTORY_LIMIT, useHistory } from "../api/hooks.ts";
import { useLiveStatus } from "../api/live.tsx";
import type { HistoryEvent, ProfileView } from "../api/types.ts";
import { formatCount, formatDuration, formatTime } from "../lib/format.ts";
import { EmptyState } from "./empty-state.tsx";
import { ErrorNotice } from "./error-notice.tsx";
import { RollbackDialog } from "./rollback/rollback-dialog.tsx";

type Show = "all" | "changes" | "problems";

const SHOW_LABEL: Record<Show, string> = {
  all: "everything",
  changes: "changes only",
  problems: "errors and refusals",
};

function keep(e: HistoryEvent, show: Show): boolean {
  if (show === "changes") return e.operation !== undefined && e.operation !== "read";
  if (show === "problems") return e.outcome !== undefined && e.outcome !== "ok";
  return true;
}

function keysText(e: HistoryEvent): string {
  const keys = e.keys ?? [];
  const more = (e.keyCount ?? keys.length) - keys.length;
  return `${keys.join(", ")}${more > 0 ? ` +${formatCount(more)} more` : ""}`;
}

export function HistoryView({ profile, active }: { profile: ProfileView; active: boolean }) {
  const history = useHistory(profile.id);
  const live = useLiveStatus();
  const [show, setShow] = useState<Show>("all");
  const [undo, setUndo] = useState<HistoryEvent | undefined>();

  const events = useMemo(
    () => (history.data ?? []).filter((e) => keep(e, show)).sort((a, b) => b.ts - a.ts),
    [history.data, show],
  );

  return (
    <div className="history" data-active={active}>
      <div className="historybar">
        <label className="field-inline">
          <span>Show</span>
          <select value={show} onChange={(e) => setShow(e.target.value as Show)}>
            {(Object.keys(SHOW_LABEL) as Show[]).map((s) => (
              <option key={s} value={s}>
                {SHOW_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {history.isSuccess &&
            `${formatCount(events.length)} ${events.length === 1 ? "event" : "events"}${
              (history.data?.length ?? 0) >= HISTORY_LIMIT ? ` (latest ${HISTORY_LIMIT})` : ""
            }`}
        </span>
        <span className={`live live-${live}`} title="Live updates from the studio">
          <span className="live-dot" aria-hidden="true" />
          {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void history.refetch()}
          disabled={history.isFetching}
        >
          Refresh history
        </button>
      </div>

      {history.isPending ? (
        <p className="muted pad">Loading history…</p>
      ) : history.isError ? (
        <ErrorNotice
          title="Could not load the history"
          error={history.error}
          onRetry={() => void history.refetch()}
        />
      ) : events.length === 0 ? (
        <EmptyState title={show === "all" ? "No history yet" : `No ${SHOW_LABEL[show]}`}>
          <p>
            Every read and change on <strong>{profile.name}</strong> is recorded here as it happens
            (key names only, never values).
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label={`History of ${profile.name}`}>
            <thead>
              <tr>
                <th scope="col" className="col-time">
                  Time
                </th>
                <th scope="col" className="col-kind">
                  Kind
                </th>
                <th scope="col">Keys</th>
                <th scope="col" className="col-outcome">
                  Outcome
                </th>
                <th scope="col" className="num col-duration">
                  Duration
                </th>
                <th scope="col" className="col-origin">
                  Origin
                </th>
                <th scope="col" className="col-undo">
                  <span className="sr-only">Undo</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr
                  key={e.id}
                  className={e.outcome && e.outcome !== "ok" ? "row-problem" : undefined}
                >
                  <td className="mono nowrap" title={new Date(e.ts).toISOString()}>
                    {formatTime(e.ts)}
                  </td>
                  <td className="nowrap">
                    <span className="mono">{e.kind}</span>
                    {e.operation && <span className="muted small"> · {e.operation}</span>}
                    {e.count > 1 && <span className="muted small"> ×{formatCount(e.count)}</span>}
                  </td>
                  <td className="mono cell-keys" title={keysText(e)}>
                    {keysText(e)}
                  </td>
                  <td>
                    {e.outcome && (
                      <span className={`outcome outcome-${e.outcome}`} title={e.message}>
                        {e.outcome}
                      </span>
                    )}
                    {e.message && e.outcome !== "ok" && (
                      <span className="muted small event-message" title={e.message}>
                        {" "}
                        {e.message}
                      </span>
                    )}
                  </td>
                  <td className="num mono nowrap">{formatDuration(e.durationMs)}</td>
                  <td className="muted nowrap">{e.origin ?? e.source}</td>
                  <td className="col-undo">
                    {(e.snapshots ?? 0) > 0 && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Undo ${e.kind} of ${keysText(e)}`}
                        title={`${formatCount(e.snapshots ?? 0)} snapshot(s) saved before this change`}
                        onClick={() => setUndo(e)}
                      >
                        Undo…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {undo && (
        <RollbackDialog
          profile={profile}
          scope={{
            kind: "operation",
            operationId: undo.id,
            label: `${undo.kind} of ${keysText(undo)}`,
          }}
          onClose={() => setUndo(undefined)}
        />
      )}
    </div>
  );
}
