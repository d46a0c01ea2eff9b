import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { type ApiError, workflowApi } from "../../api/client.ts";
import { useExecution, wfk } from "../../api/hooks.ts";
import type { ExecutionDetail, ExecutionSummary, PlanPage, ProfileView } from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { Check } from "../../ui/check.tsx";
import { numColumn } from "../../ui/columns.tsx";
import { type Column, DataTable } from "../../ui/data-table.tsx";
import { loadState, MutationError } from "../../ui/notices.tsx";
import { ParamsDiff } from "./plan-table.tsx";
import { RerunEditor } from "./rerun-editor.tsx";
import type { BuiltinTemplate } from "./template-form.tsx";
import { formatSpan, STATUS_LABEL, shortId, showValue, statusTone } from "./wf-format.ts";

type Step = ExecutionDetail["steps"][number];
type Attempt = NonNullable<ExecutionDetail["attempts"]>[number];

const STEP_COLUMNS: Column<Step>[] = [
  { header: "Step", cellClassName: "mono", cell: (s) => s.name },
  {
    header: "Status",
    cell: (s) => <span className={`wf-status wf-tone-${statusTone(s.status)}`}>{s.status}</span>,
  },
  numColumn<Step>("Batches", (s) => formatCount(s.batches)),
  numColumn<Step>("Attempts", (s) => formatCount(s.attempts)),
  numColumn<Step>("Retries", (s) => formatCount(s.retries)),
  {
    header: "Took",
    cellClassName: "mono",
    cell: (s) => (s.startedAt ? formatSpan((s.endedAt ?? Date.now()) - s.startedAt) : "—"),
  },
  { header: "Message", cellClassName: "small", cell: (s) => s.message ?? "" },
];

const ATTEMPT_COLUMNS: Column<Attempt>[] = [
  { header: "Step", cellClassName: "mono", cell: (a) => a.step },
  numColumn<Attempt>("Batch", (a) => a.batch + 1),
  numColumn<Attempt>("Attempt", (a) => a.attempt),
  numColumn<Attempt>("Waited", (a) => (a.delayMs > 0 ? `${formatCount(a.delayMs)} ms` : "—")),
  numColumn<Attempt>("Keys", (a) => formatCount(a.keys)),
  numColumn<Attempt>("Took", (a) => `${formatCount(Math.max(0, a.end - a.start))} ms`),
  {
    header: "Outcome",
    cell: (a) => <span className={`outcome outcome-${a.outcome}`}>{a.outcome}</span>,
  },
  { header: "Error class", cellClassName: "mono", cell: (a) => a.errorClass ?? "" },
  { header: "Message", cellClassName: "small", cell: (a) => a.message ?? "" },
];

/** What the executions list and one execution's pane both take. */
export interface ExecutionPaneProps {
  profile: ProfileView;
  builtins: BuiltinTemplate[];
  onSelect: (id: string) => void;
  onPlanned: (plan: PlanPage) => void;
  onUndo: (executionId: string) => void;
}

export function ExecutionDetailPane({
  profile,
  id,
  builtins,
  onSelect,
  onPlanned,
  onUndo,
}: ExecutionPaneProps & { id: string }) {
  const qc = useQueryClient();
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [editing, setEditing] = useState(false);
  const q = useExecution(id, errorsOnly);
  const titleId = useId();
  const lock = readOnlyReason(profile);

  const rerun = useMutation<PlanPage, ApiError>({
    mutationFn: () => workflowApi.rerun(id, { wait: "first-page", pageSize: 100 }),
    onSuccess: onPlanned,
  });
  const cancel = useMutation<ExecutionSummary, ApiError>({
    mutationFn: () => workflowApi.cancelExecution(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: wfk.execution(id) }),
  });

  const wait = loadState(q, "Loading the execution…", "Could not load the execution");
  if (wait || !q.data) return wait;
  const x = q.data;
  const builtin = builtins.find((b) => b.id === x.builtin);
  const duration = (x.endedAt ?? Date.now()) - x.startedAt;

  return (
    <section className="wf-detail" aria-labelledby={titleId}>
      <header className="wf-detail-head">
        <h2 id={titleId}>
          Execution · {x.template}
          {x.templateVersion > 1 ? ` v${x.templateVersion}` : ""}
        </h2>
        <span className={`wf-status wf-tone-${statusTone(x.status)}`}>
          {STATUS_LABEL[x.status]}
        </span>
        <span className="muted mono small">{x.executionId}</span>
      </header>
      <div className="wf-detail-actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => rerun.mutate()}
          disabled={rerun.isPending || x.status === "running"}
          title="A fresh dry-run with the same params; nothing runs until you confirm it"
        >
          {rerun.isPending ? "Counting…" : "Rerun"}
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEditing(true)}
          disabled={editing || !builtin || x.status === "running"}
        >
          Rerun with edits
        </button>
        <ActionButton
          lock={lock ?? (x.rollback === "none" ? `No snapshots: ${x.rollbackReason}` : undefined)}
          onClick={() => onUndo(x.executionId)}
          disabled={x.applied === 0 && x.status !== "running"}
        >
          Undo this execution…
        </ActionButton>
        {x.status === "running" && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending}
          >
            Cancel execution
          </button>
        )}
      </div>
      <MutationError m={rerun} title="The rerun's dry-run was not made" />
      <MutationError m={cancel} title="Could not cancel" />

      {editing && builtin ? (
        <RerunEditor
          execution={x}
          builtin={builtin}
          onCancel={() => setEditing(false)}
          onPlanned={onPlanned}
        />
      ) : (
        <div className="wf-detail-body">
          <dl className="facts wf-facts-grid">
            <div>
              <dt>Started</dt>
              <dd title={new Date(x.startedAt).toISOString()}>{formatTime(x.startedAt)}</dd>
            </div>
            <div>
              <dt>{x.endedAt ? "Took" : "Running for"}</dt>
              <dd>{formatSpan(duration)}</dd>
            </div>
            <div>
              <dt>Origin</dt>
              <dd>{x.origin}</dd>
            </div>
            <div>
              <dt>Rollback</dt>
              <dd title={x.rollbackReason}>{x.rollback}</dd>
            </div>
            <div>
              <dt>Parent</dt>
              <dd>
                {x.parentExecutionId ? (
                  <button
                    type="button"
                    className="linklike mono"
                    onClick={() => onSelect(x.parentExecutionId!)}
                    title={x.parentExecutionId}
                  >
                    {shortId(x.parentExecutionId)}
                  </button>
                ) : (
                  "—"
                )}
                {x.rerunKind ? ` (${x.rerunKind})` : ""}
              </dd>
            </div>
          </dl>
          <ul className="wf-counts" aria-label="Counts">
            {(
              [
                ["Planned", x.planned],
                ["Processed", x.processed],
                ["Applied", x.applied],
                ["Skipped", x.skipped],
                ["Failed", x.failed],
              ] as const
            ).map(([label, n]) => (
              <li key={label} className={label === "Failed" && n > 0 ? "card wf-bad" : "card"}>
                <span className="card-label">{label}</span>
                <span className="card-value">{formatCount(n)}</span>
              </li>
            ))}
          </ul>
          {x.abortReason && (
            <p className="notice notice-error compact" role="note">
              Aborted: {x.abortReason}
            </p>
          )}
          {x.error && !x.abortReason && (
            <p className="notice notice-error compact" role="note">
              {x.error.message}
            </p>
          )}
          {x.rollbackResult && (
            <p className="notice notice-info compact" role="note">
              Rolled back after the abort: {formatCount(x.rollbackResult.restored)} restored,{" "}
              {formatCount(x.rollbackResult.skipped)} skipped,{" "}
              {formatCount(x.rollbackResult.failed)} failed
              {x.rollbackResult.message ? `: ${x.rollbackResult.message}` : "."}
            </p>
          )}

          <h3 className="wf-h3">Params</h3>
          <dl className="wf-params">
            {Object.entries(x.params).map(([k, v]) => (
              <div key={k}>
                <dt className="mono">{k}</dt>
                <dd className="mono">{showValue(v)}</dd>
              </div>
            ))}
          </dl>
          {x.paramsDiff && x.paramsDiff.length > 0 && (
            <>
              <h3 className="wf-h3">Changed from the parent</h3>
              <ParamsDiff diff={x.paramsDiff} />
            </>
          )}

          <h3 className="wf-h3">Timeline</h3>
          <DataTable
            className="table compact-table"
            label="Steps"
            rows={x.steps}
            rowKey={(s) => s.name}
            columns={STEP_COLUMNS}
          />
          <div className="wf-attempts-bar">
            <h4>
              Attempts{" "}
              <span className="muted small">
                {formatCount(x.attempts?.length ?? 0)} of {formatCount(x.attemptCount)} shown
              </span>
            </h4>
            <Check className="check small" checked={errorsOnly} onChange={setErrorsOnly}>
              Errors only
            </Check>
          </div>
          {x.attempts && x.attempts.length > 0 && (
            <AttemptStrip attempts={x.attempts} from={x.startedAt} to={x.endedAt ?? Date.now()} />
          )}
          {x.attempts && x.attempts.length > 0 ? (
            <div className="wf-scroll-x">
              <DataTable
                className="table compact-table wf-attempts"
                label="Attempts"
                rows={x.attempts}
                rowKey={(a) => `${a.step}-${a.batch}-${a.attempt}`}
                rowClassName={(a) => (a.outcome === "error" ? "row-problem" : undefined)}
                columns={ATTEMPT_COLUMNS}
              />
            </div>
          ) : (
            <p className="muted small">
              {errorsOnly ? "No attempt failed." : "No attempt was recorded yet."}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * The attempts on the execution's time axis: where each batch ran, how long, and which failed
 * (red) or waited before a retry (the gap). The table below has the same facts in words.
 */
function AttemptStrip({
  attempts,
  from,
  to,
}: {
  attempts: NonNullable<ExecutionDetail["attempts"]>;
  from: number;
  to: number;
}) {
  const span = Math.max(1, to - from);
  return (
    <div className="wf-strip" aria-hidden="true">
      {attempts.map((a) => (
        <span
          key={`${a.step}-${a.batch}-${a.attempt}`}
          className={a.outcome === "error" ? "wf-strip-mark wf-bad" : "wf-strip-mark"}
          style={{
            left: `${Math.min(100, ((a.start - from) / span) * 100)}%`,
            width: `${Math.max(0.3, ((a.end - a.start) / span) * 100)}%`,
          }}
          title={`batch ${a.batch + 1}, attempt ${a.attempt}: ${a.outcome}${a.errorClass ? ` (${a.errorClass})` : ""}`}
        />
      ))}
      <span className="wf-strip-end muted small">{formatSpan(span)}</span>
    </div>
  );
}
