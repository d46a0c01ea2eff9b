import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useState } from "react";
import { type ApiError, workflowApi } from "../../api/client.ts";
import { useExecution, useExecutions, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type {
  ExecutionDetail,
  ExecutionSummary,
  PlanPage,
  ProfileView,
  WorkflowLiveMessage,
} from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../action-button.tsx";
import { EmptyState } from "../empty-state.tsx";
import { ErrorNotice } from "../error-notice.tsx";
import { type FormState, formFromParams, paramsChanges, paramsFromForm } from "./form-model.ts";
import { ParamFields } from "./param-fields.tsx";
import { ParamsDiff } from "./plan-preview.tsx";
import { type BuiltinTemplate, splitError } from "./template-form.tsx";
import { formatSpan, STATUS_LABEL, shortId, showValue, statusTone } from "./wf-format.ts";

/**
 * Execution history of one connection: every run with its status, template, counts, start and
 * parent; the selected run's timeline (steps, attempts with their waits and error classes,
 * errors, counts) and what to do next: rerun (a fresh dry-run with the same params), rerun with
 * edits (the form prefilled, the changed params shown before the dry-run), or undo.
 */
export function ExecutionsView({
  profile,
  builtins,
  selectedId,
  onSelect,
  onPlanned,
  onUndo,
}: {
  profile: ProfileView;
  builtins: BuiltinTemplate[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  onPlanned: (plan: PlanPage) => void;
  onUndo: (executionId: string) => void;
}) {
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

  if (list.isPending) return <p className="muted pad">Loading executions…</p>;
  if (list.isError) {
    return (
      <ErrorNotice
        title="Could not load the executions"
        error={list.error}
        onRetry={() => void list.refetch()}
      />
    );
  }
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
          {list.hasNextPage && (
            <div className="loadmore">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                Load older executions
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="wf-exec-detail">
        {selected ? (
          <ExecutionDetailPane
            key={selected}
            profile={profile}
            id={selected}
            builtins={builtins}
            onSelect={onSelect}
            onPlanned={onPlanned}
            onUndo={onUndo}
          />
        ) : null}
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

function ExecutionDetailPane({
  profile,
  id,
  builtins,
  onSelect,
  onPlanned,
  onUndo,
}: {
  profile: ProfileView;
  id: string;
  builtins: BuiltinTemplate[];
  onSelect: (id: string) => void;
  onPlanned: (plan: PlanPage) => void;
  onUndo: (executionId: string) => void;
}) {
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

  if (q.isPending) return <p className="muted pad">Loading the execution…</p>;
  if (q.isError) {
    return (
      <ErrorNotice
        title="Could not load the execution"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  }
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
      {rerun.isError && (
        <ErrorNotice
          compact
          title="The rerun's dry-run was not made"
          error={rerun.error}
          onDismiss={rerun.reset}
        />
      )}
      {cancel.isError && (
        <ErrorNotice
          compact
          title="Could not cancel"
          error={cancel.error}
          onDismiss={cancel.reset}
        />
      )}

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
          <table className="table compact-table" aria-label="Steps">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Batches
                </th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col" className="num">
                  Retries
                </th>
                <th scope="col">Took</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {x.steps.map((s) => (
                <tr key={s.name}>
                  <td className="mono">{s.name}</td>
                  <td>
                    <span className={`wf-status wf-tone-${statusTone(s.status)}`}>{s.status}</span>
                  </td>
                  <td className="num mono">{formatCount(s.batches)}</td>
                  <td className="num mono">{formatCount(s.attempts)}</td>
                  <td className="num mono">{formatCount(s.retries)}</td>
                  <td className="mono">
                    {s.startedAt ? formatSpan((s.endedAt ?? Date.now()) - s.startedAt) : "—"}
                  </td>
                  <td className="small">{s.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="wf-attempts-bar">
            <h4>
              Attempts{" "}
              <span className="muted small">
                {formatCount(x.attempts?.length ?? 0)} of {formatCount(x.attemptCount)} shown
              </span>
            </h4>
            <label className="check small">
              <input
                type="checkbox"
                checked={errorsOnly}
                onChange={(e) => setErrorsOnly(e.target.checked)}
              />
              Errors only
            </label>
          </div>
          {x.attempts && x.attempts.length > 0 && (
            <AttemptStrip attempts={x.attempts} from={x.startedAt} to={x.endedAt ?? Date.now()} />
          )}
          {x.attempts && x.attempts.length > 0 ? (
            <div className="wf-scroll-x">
              <table className="table compact-table wf-attempts" aria-label="Attempts">
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col" className="num">
                      Batch
                    </th>
                    <th scope="col" className="num">
                      Attempt
                    </th>
                    <th scope="col" className="num">
                      Waited
                    </th>
                    <th scope="col" className="num">
                      Keys
                    </th>
                    <th scope="col" className="num">
                      Took
                    </th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Error class</th>
                    <th scope="col">Message</th>
                  </tr>
                </thead>
                <tbody>
                  {x.attempts.map((a) => (
                    <tr
                      key={`${a.step}-${a.batch}-${a.attempt}`}
                      className={a.outcome === "error" ? "row-problem" : undefined}
                    >
                      <td className="mono">{a.step}</td>
                      <td className="num mono">{a.batch + 1}</td>
                      <td className="num mono">{a.attempt}</td>
                      <td className="num mono">
                        {a.delayMs > 0 ? `${formatCount(a.delayMs)} ms` : "—"}
                      </td>
                      <td className="num mono">{formatCount(a.keys)}</td>
                      <td className="num mono">{formatCount(Math.max(0, a.end - a.start))} ms</td>
                      <td>
                        <span className={`outcome outcome-${a.outcome}`}>{a.outcome}</span>
                      </td>
                      <td className="mono">{a.errorClass ?? ""}</td>
                      <td className="small">{a.message ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
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

/**
 * "Rerun with edits": the original params in the template's form; the params that differ are
 * listed (before → after) before the new dry-run is made. The dry-run never runs by itself.
 */
function RerunEditor({
  execution,
  builtin,
  onCancel,
  onPlanned,
}: {
  execution: ExecutionDetail;
  builtin: BuiltinTemplate;
  onCancel: () => void;
  onPlanned: (plan: PlanPage) => void;
}) {
  const [form, setForm] = useState<FormState>(() =>
    formFromParams(builtin.params, execution.params),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<unknown>();
  const titleId = useId();

  const before = useMemo(() => {
    const b = { ...execution.params };
    // Inline warm-up entries are redacted in the record ("<3 inline entries>"): kept as they were.
    if (typeof b.entries === "string") delete b.entries;
    return b;
  }, [execution.params]);
  const built = paramsFromForm(builtin.params, form);
  // A file not picked again is left as the original run had it: the studio then says to upload
  // it (an uploaded file is not kept; a path is read for the command line only).
  const changes = paramsChanges(before, built.params).filter(
    (c) => !((c.param === "content" || c.param === "file") && c.to === undefined),
  );
  // The diff shows an upload as its name and size, not its text.
  const shown = changes.map((c) =>
    c.param === "content" && typeof c.to === "string"
      ? {
          ...c,
          to: `<${form.entries.fileName ?? "file"}: ${formatCount(form.entries.uploadBytes ?? c.to.length)} bytes>`,
        }
      : c,
  );

  const plan = useMutation<PlanPage, ApiError>({
    mutationFn: () =>
      workflowApi.rerun(execution.executionId, {
        // An emptied param is sent as "" (the server then drops it from the original params).
        params: Object.fromEntries(changes.map((c) => [c.param, c.to === undefined ? "" : c.to])),
        wait: "first-page",
        pageSize: 100,
      }),
    onSuccess: onPlanned,
    onError: (e) => {
      const s = splitError(e);
      setErrors(s.fields);
      setGeneral(s.general);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (Object.keys(built.problems).length > 0) {
      setErrors(built.problems);
      return;
    }
    setErrors({});
    setGeneral(undefined);
    plan.mutate();
  };

  return (
    <form className="wf-form wf-rerun" onSubmit={submit} noValidate aria-labelledby={titleId}>
      <h3 id={titleId} className="wf-h3">
        Rerun with edits
      </h3>
      <p className="hint">
        The params of {shortId(execution.executionId)}, ready to change. A new dry-run is made
        first; nothing runs until you confirm it.
      </p>
      <ParamFields
        descriptors={builtin.params}
        form={form}
        onChange={(next) => {
          setForm(next);
          setErrors({});
        }}
        errors={errors}
        idPrefix={`rerun-${execution.executionId}`}
      />
      <div className="wf-diff-preview" aria-live="polite">
        {changes.length === 0 ? (
          <p className="hint">No param changed yet: the dry-run would use the same params.</p>
        ) : (
          <>
            <p className="field-label">
              {changes.length} {changes.length === 1 ? "param changes" : "params change"}
            </p>
            <ParamsDiff diff={shown} />
          </>
        )}
      </div>
      {general !== undefined && (
        <ErrorNotice
          compact
          title="The rerun's dry-run was not made"
          error={general}
          onDismiss={() => setGeneral(undefined)}
        />
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Back to the timeline
        </button>
        <button type="submit" className="btn btn-primary" disabled={plan.isPending}>
          {plan.isPending ? "Making the dry-run…" : "Dry-run with these changes"}
        </button>
      </div>
    </form>
  );
}
