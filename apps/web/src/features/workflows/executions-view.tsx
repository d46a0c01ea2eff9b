import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useExecutions, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type { ExecutionSummary, WorkflowLiveMessage } from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { LoadMore } from "../../ui/load-more.tsx";
import { loadState } from "../../ui/notices.tsx";
import { ExecutionDetailPane, type ExecutionPaneProps } from "./execution-detail.tsx";
import { STATUS_LABEL, shortId, statusTone } from "./wf-format.ts";
/**
 * Execution history of one connection: every run with its status, template, counts, start and
 * parent; the selected run's timeline (steps, attempts with their waits and error classes,
 * errors, counts) and what to do next: rerun (a fresh dry-run with the same params), rerun with
 * edits (the form prefilled, the changed params shown before the dry-run), or undo.
 */
export function ExecutionsView({
  selectedId,
  ...pane
}: ExecutionPaneProps & { selectedId: string | undefined }) {
  const { profile, onSelect } = pane;
  const qc = useQueryClient();
  const list = useExecutions(profile.id);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.executions) ?? [], [list.data]);

  useLiveMessages((m) => {
    const w = m as WorkflowLiveMessage;
    if (w.type === "workflow" && w.event === "execution-finished") {
      void qc.invalidateQueries({ queryKey: wfk.executions(profile.id) });
    }
  });

  const selected = selectedId ?? rows[0]?.executionId;

  const wait = loadState(list, "Loading executions…", "Could not load the executions");
  if (wait || !list.data) return wait;
  if (rows.length === 0) {
    return (
      <EmptyState title="No executions yet">
        <p>
          Workflows run on <strong>{profile.name}</strong> appear here with their timeline. Start
          with a dry-run in Templates; nothing runs until you confirm it.
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="wf-exec">
      <div className="wf-exec-list">
        <div className="table-scroll">
          <table className="table" aria-label={`Executions on ${profile.name}`}>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Template</th>
                <th scope="col" className="num">
                  Applied / planned
                </th>
                <th scope="col">Started</th>
                <th scope="col">Parent</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <ExecutionRow
                  key={e.executionId}
                  e={e}
                  selected={e.executionId === selected}
                  onSelect={onSelect}
                />
              ))}
            </tbody>
          </table>
          <LoadMore q={list} label="Load older executions" />
        </div>
      </div>
      <div className="wf-exec-detail">
        {selected ? <ExecutionDetailPane key={selected} id={selected} {...pane} /> : null}
      </div>
    </div>
  );
}

function ExecutionRow({
  e,
  selected,
  onSelect,
}: {
  e: ExecutionSummary;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  return (
    <tr className={selected ? "row-current" : undefined}>
      <td>
        <span className={`wf-status wf-tone-${statusTone(e.status)}`}>
          {STATUS_LABEL[e.status]}
        </span>
      </td>
      <td>
        <button
          type="button"
          className="linklike"
          aria-current={selected || undefined}
          onClick={() => onSelect(e.executionId)}
        >
          {e.template}
          <span className="sr-only">, started {formatTime(e.startedAt)}</span>
        </button>
        {e.rerunKind && <span className="muted small"> · {e.rerunKind}</span>}
      </td>
      <td className="num">
        <span className="mono nowrap">
          {formatCount(e.applied)} / {formatCount(e.planned)}
        </span>
        {(e.skipped > 0 || e.failed > 0) && (
          <span className="small nowrap wf-row-sub">
            {e.skipped > 0 ? `${formatCount(e.skipped)} skipped` : ""}
            {e.skipped > 0 && e.failed > 0 ? " · " : ""}
            {e.failed > 0 && <span className="wf-bad">{formatCount(e.failed)} failed</span>}
          </span>
        )}
      </td>
      <td className="nowrap mono" title={new Date(e.startedAt).toISOString()}>
        {formatTime(e.startedAt)}
      </td>
      <td className="mono small">
        {e.parentExecutionId ? (
          <button
            type="button"
            className="linklike"
            title={e.parentExecutionId}
            onClick={() => onSelect(e.parentExecutionId!)}
          >
            {shortId(e.parentExecutionId)}
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
