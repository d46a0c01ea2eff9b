import { useMemo, useState } from "react";
import { HISTORY_LIMIT, useHistory } from "../../api/hooks.ts";
import type { HistoryEvent, ProfileView } from "../../api/types.ts";
import { formatCount, formatDuration, keysText } from "../../lib/format.ts";
import { durationColumn, textColumn, timeColumn } from "../../ui/columns.tsx";
import { DataTable } from "../../ui/data-table.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { LiveBadge } from "../../ui/live-badge.tsx";
import { loadState } from "../../ui/notices.tsx";
import { RollbackDialog } from "../rollback/rollback-dialog.tsx";

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

export function HistoryView({ profile, active }: { profile: ProfileView; active: boolean }) {
  const history = useHistory(profile.id);
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
        <LiveBadge />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void history.refetch()}
          disabled={history.isFetching}
        >
          Refresh history
        </button>
      </div>

      {loadState(history, "Loading history…", "Could not load the history") ??
        (events.length === 0 ? (
          <EmptyState title={show === "all" ? "No history yet" : `No ${SHOW_LABEL[show]}`}>
            <p>
              Every read and change on <strong>{profile.name}</strong> is recorded here as it
              happens (key names only, never values).
            </p>
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <DataTable
              label={`History of ${profile.name}`}
              rows={events}
              rowKey={(e) => e.id}
              rowClassName={(e) => (e.outcome && e.outcome !== "ok" ? "row-problem" : undefined)}
              columns={[
                timeColumn<HistoryEvent>((e) => e.ts),
                {
                  header: "Kind",
                  className: "col-kind",
                  cellClassName: "nowrap",
                  cell: (e) => (
                    <>
                      <span className="mono">{e.kind}</span>
                      {e.operation && <span className="muted small"> · {e.operation}</span>}
                      {e.count > 1 && <span className="muted small"> ×{formatCount(e.count)}</span>}
                    </>
                  ),
                },
                textColumn("Keys", keysText),
                {
                  header: "Outcome",
                  className: "col-outcome",
                  cellClassName: "",
                  cell: (e) => (
                    <>
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
                    </>
                  ),
                },
                durationColumn<HistoryEvent>((e) => formatDuration(e.durationMs)),
                {
                  header: "Origin",
                  className: "col-origin",
                  cellClassName: "muted nowrap",
                  cell: (e) => e.origin ?? e.source,
                },
                {
                  header: <span className="sr-only">Undo</span>,
                  className: "col-undo",
                  cell: (e) =>
                    (e.snapshots ?? 0) > 0 && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Undo ${e.kind} of ${keysText(e)}`}
                        title={`${formatCount(e.snapshots ?? 0)} snapshot(s) saved before this change`}
                        onClick={() => setUndo(e)}
                      >
                        Undo…
                      </button>
                    ),
                },
              ]}
            />
          </div>
        ))}
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
