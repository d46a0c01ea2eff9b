import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiError, workflowApi } from "../../api/client.ts";
import { usePlanPage, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type {
  ApiErrorCode,
  ExecutionSummary,
  PlanConfirmBody,
  PlanPage,
  ProfileView,
  WorkflowLiveMessage,
} from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { expectedOf } from "../../ui/challenge.ts";
import { ErrorNotice } from "../../ui/error-notice.tsx";
import { useGuardedMutation } from "../../ui/guard.tsx";
import { countEffect } from "../../ui/guard-dialog.tsx";
import { MutationError } from "../../ui/notices.tsx";
import { Pager, ParamsDiff, PlanTable } from "./plan-table.tsx";
import { askNotificationPermission, type RunLinks, RunProgress } from "./run-progress.tsx";
import { formatSpan, shortId, showValue } from "./wf-format.ts";

/** What running the plan does, in words, for the confirmation. */
function effectOf(plan: PlanPage): string {
  const p = plan.params;
  const what =
    plan.builtin === "delete-by-pattern"
      ? `every planned key matching ${showValue(p.pattern)} is deleted.`
      : plan.builtin === "ttl-normalize"
        ? `their TTL is set to ${formatCount(Number(p.ttlSeconds))} s (mode ${showValue(p.mode ?? "all")}).`
        : `the planned entries are written (condition ${showValue(p.condition ?? "always")}).`;
  const undo =
    plan.rollback === "none"
      ? ` No snapshots are taken (${plan.rollbackReason}): it cannot be undone.`
      : ` A snapshot of each key is saved first (rollback: ${plan.rollback}).`;
  return what + undo;
}

/**
 * A dry-run's preview: totals on top, the notes, the planned changes as a paged, virtualized
 * table (any page of millions of keys is read from the studio's store), progress while the count
 * goes on, and Run (the typed-count challenge, then the execution's progress).
 */
export function PlanPreview({
  profile,
  planId,
  onOpenExecution,
  onUndo,
  onEdit,
  onPlanned,
}: RunLinks & {
  profile: ProfileView;
  planId: string;
  onEdit: () => void;
  onPlanned: (plan: PlanPage) => void;
}) {
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(100);
  const [counting, setCounting] = useState<{ scanned: number; matched: number } | undefined>();
  const [started, setStarted] = useState<ExecutionSummary | undefined>();
  const q = usePlanPage(planId, page, pageSize);
  const plan = q.data;
  const titleId = useId();
  const lock = readOnlyReason(profile);

  useLiveMessages((m) => {
    const w = m as WorkflowLiveMessage;
    if (w.type !== "workflow") return;
    if (w.event === "plan-progress" && w.planId === planId) {
      setCounting({ scanned: w.scanned, matched: w.matched });
    }
    if (w.event === "plan-finished" && w.plan.planId === planId) {
      setCounting(undefined);
      void qc.invalidateQueries({ queryKey: wfk.plan(planId) });
    }
  });

  const apply = useGuardedMutation({
    describe: (p: PlanPage) => ({
      title: `Run ${p.template}`,
      effect: (c) => countEffect(c, effectOf(p)),
      confirmLabel: (c) => {
        const n = Number(expectedOf(c).count);
        return `Run on ${formatCount(n)} ${n === 1 ? "key" : "keys"}`;
      },
      busyLabel: "Starting…",
    }),
    send: (_, confirm) => workflowApi.apply(planId, confirm as PlanConfirmBody | undefined),
    onDone: (summary: ExecutionSummary) => {
      setStarted(summary);
      // A plan runs once: remember it, so coming back here shows the run, not a Run button.
      qc.setQueriesData<PlanPage>({ queryKey: wfk.plan(planId) }, (old) =>
        old ? { ...old, executionId: summary.executionId } : old,
      );
      void qc.invalidateQueries({ queryKey: wfk.executions(profile.id) });
    },
  });

  const again = useMutation<PlanPage, ApiError>({
    mutationFn: () =>
      workflowApi.plan({
        template: plan!.savedTemplateId ?? plan!.builtin,
        profileId: profile.id,
        params: plan!.params,
        policy: plan!.policy as unknown as Record<string, unknown>,
        wait: "first-page",
        pageSize,
      }),
    onSuccess: onPlanned,
  });

  const cancelPlan = useMutation<unknown, ApiError>({
    mutationFn: () => workflowApi.cancelPlan(planId),
    onSuccess: () => void qc.invalidateQueries({ queryKey: wfk.plan(planId) }),
  });

  if (q.isPending) return <p className="muted pad">Loading the dry-run…</p>;
  if (q.isError || !plan) {
    return (
      <ErrorNotice
        title="Could not load the dry-run"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  }

  const building = plan.status === "building";
  const matched = building && counting ? Math.max(counting.matched, plan.matched) : plan.matched;
  const scanned = building && counting ? Math.max(counting.scanned, plan.scanned) : plan.scanned;
  const types = [...new Set(plan.items.map((i) => i.type).filter((t) => t !== "none"))];
  const exactTypes = plan.complete && plan.pages === 1;
  const executionId = started?.executionId ?? plan.executionId;
  const runLock =
    lock ??
    (building
      ? "Wait for the count to finish"
      : plan.status !== "ready"
        ? "This dry-run did not finish: make a fresh one"
        : matched === 0
          ? "Nothing to change"
          : undefined);

  return (
    <section className="wf-plan" aria-labelledby={titleId}>
      <header className="wf-plan-head">
        <div className="wf-plan-title">
          <h2 id={titleId}>
            Dry-run · {plan.template}
            {plan.templateVersion > 1 ? ` v${plan.templateVersion}` : ""}
          </h2>
          <span
            className={`wf-status wf-tone-${building ? "active" : plan.status === "ready" ? "ok" : "warn"}`}
          >
            {building ? "counting" : plan.status}
          </span>
          <span className="muted small" title={plan.planId}>
            made {formatTime(plan.createdAt)} · {shortId(plan.planId)}
          </span>
        </div>
        <p className="wf-totals">
          <strong>
            {formatCount(matched)} {matched === 1 ? "key matches" : "keys match"}
          </strong>
          {building ? " so far" : ""}
          {types.length > 0 && (
            <span
              title={
                exactTypes
                  ? undefined
                  : "Types of the keys on this page; the plan keeps no per-type totals"
              }
            >
              {" "}
              · {types.length} {types.length === 1 ? "type" : "types"}
              {exactTypes ? "" : " on this page"}
            </span>
          )}{" "}
          · <span title={plan.rollbackReason}>rollback: {plan.rollback}</span>
        </p>
        <p className="wf-facts muted">
          {formatCount(scanned)} scanned
          {plan.unchanged ? ` · ${formatCount(plan.unchanged)} already as asked (left out)` : ""}
          {plan.duplicates ? ` · ${formatCount(plan.duplicates)} duplicates` : ""}
          {plan.limitReached ? " · stopped at the limit: more keys may match" : ""}
          {!building && plan.status === "ready"
            ? ` · estimated ${formatSpan(plan.estimatedDurationMs)}`
            : ""}{" "}
          ·{" "}
          {Object.entries(plan.params)
            .map(([k, v]) => `${k}=${showValue(v)}`)
            .join(" · ")}
        </p>
        <div className="wf-plan-actions">
          {executionId ? null : (
            <ActionButton
              className="btn btn-danger"
              lock={runLock}
              onClick={() => {
                askNotificationPermission();
                apply.mutate(plan);
              }}
              disabled={apply.isPending}
            >
              Run on {profile.name}…
            </ActionButton>
          )}
          <button type="button" className="btn btn-small" onClick={onEdit}>
            Edit params
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => again.mutate()}
            disabled={again.isPending || building}
          >
            {again.isPending ? "Counting…" : "Dry-run again"}
          </button>
          {plan.rollback !== "full" && (
            <span className="wf-warn small" title={plan.rollbackReason}>
              Rollback {plan.rollback}: {plan.rollbackReason}
            </span>
          )}
        </div>
      </header>

      {plan.parentExecutionId && (
        <div className="wf-rerun-note">
          <p>
            {plan.rerunKind === "rerun-with-edits" ? "Rerun with edits" : "Rerun"} of execution{" "}
            <button
              type="button"
              className="linklike mono"
              onClick={() => onOpenExecution(plan.parentExecutionId!)}
            >
              {shortId(plan.parentExecutionId)}
            </button>
            {plan.paramsDiff && plan.paramsDiff.length === 0 ? ": same params." : ":"}
          </p>
          {plan.paramsDiff && plan.paramsDiff.length > 0 && <ParamsDiff diff={plan.paramsDiff} />}
        </div>
      )}

      {building && (
        <div className="wf-counting" role="status">
          <progress className="wf-progress" aria-label="Dry-run progress" />
          <span>
            Counting… {formatCount(scanned)} scanned · {formatCount(matched)} match so far
          </span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => cancelPlan.mutate()}
            disabled={cancelPlan.isPending}
          >
            Cancel dry-run
          </button>
        </div>
      )}
      {plan.status === "failed" && (
        <ErrorNotice
          title="The dry-run failed"
          error={
            new ApiError(
              (plan.error?.code ?? "internal") as ApiErrorCode,
              plan.error?.message ?? "The dry-run stopped without saying why: make a fresh one.",
              0,
            )
          }
        />
      )}
      {plan.status === "cancelled" && (
        <p className="notice notice-info compact" role="status">
          The dry-run was cancelled: the count is partial. Make a fresh dry-run to run it.
        </p>
      )}
      {plan.notes.length > 0 && (
        <ul className="wf-notes" aria-label="Notes">
          {plan.notes.map((n) => (
            <li key={n} className="notice notice-info compact">
              {n}
            </li>
          ))}
        </ul>
      )}
      <MutationError m={again} title="The dry-run was not made" />
      <MutationError m={apply} title="The workflow did not start" />

      {executionId && (
        <RunProgress
          key={executionId}
          profile={profile}
          started={
            started ?? {
              executionId,
              planId,
              template: plan.template,
              builtin: plan.builtin,
              profile: plan.profile,
              profileId: plan.profileId,
              environment: plan.environment,
              status: "running",
              planned: plan.matched,
              processed: 0,
              applied: 0,
              skipped: 0,
              failed: 0,
              startedAt: Date.now(),
              endedAt: null,
              parentExecutionId: plan.parentExecutionId ?? null,
            }
          }
          onOpenExecution={onOpenExecution}
          onUndo={onUndo}
        />
      )}

      {executionId && (
        <p className="hint wf-ran-note">
          This plan ran: the keys are read live as you page, so “TTL now” shows the result.
        </p>
      )}
      <PlanTable plan={plan} stale={q.isPlaceholderData} />
      <Pager
        page={plan.page}
        pages={plan.pages}
        pageSize={pageSize}
        loading={q.isFetching}
        onPage={setPage}
        onPageSize={(n) => {
          // Keep the first row in view: the page that holds it at the new size.
          const first = (plan.page - 1) * plan.pageSize;
          setPageSize(n);
          setPage(Math.floor(first / n) + 1);
        }}
      />
    </section>
  );
}
