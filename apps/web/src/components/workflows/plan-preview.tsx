import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useId, useRef, useState } from "react";
import { ApiError, isApiError, workflowApi } from "../../api/client.ts";
import { usePlanPage, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type {
  ApiErrorCode,
  ExecutionSummary,
  PlanChallengeDetails,
  PlanConfirmBody,
  PlanPage,
  ProfileView,
  WorkflowLiveMessage,
} from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../action-button.tsx";
import { ErrorNotice } from "../error-notice.tsx";
import { askNotificationPermission, RunProgress } from "./run-progress.tsx";
import { TypedCountDialog } from "./typed-count-dialog.tsx";
import { changeText, formatSpan, shortId, showValue, ttlWord } from "./wf-format.ts";

export const PAGE_SIZES = [50, 100, 250, 500, 1000] as const;
const ROW_HEIGHT = 28;

function planChallengeOf(e: unknown): PlanChallengeDetails | undefined {
  if (!isApiError(e) || e.code !== "confirmation-required") return undefined;
  const d = e.details;
  if (!d || typeof d.challengeId !== "string") return undefined;
  if (d.level !== "typed-count" && d.level !== "typed-count-and-name") return undefined;
  return d as unknown as PlanChallengeDetails;
}

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
}: {
  profile: ProfileView;
  planId: string;
  onOpenExecution: (executionId: string) => void;
  onUndo: (executionId: string) => void;
  onEdit: () => void;
  onPlanned: (plan: PlanPage) => void;
}) {
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(100);
  const [counting, setCounting] = useState<{ scanned: number; matched: number } | undefined>();
  const [challenge, setChallenge] = useState<
    { details: PlanChallengeDetails; problem?: string } | undefined
  >();
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

  const apply = useMutation<ExecutionSummary, ApiError, PlanConfirmBody | undefined>({
    mutationFn: (confirm) => workflowApi.apply(planId, confirm),
    onSuccess: (summary) => {
      setChallenge(undefined);
      setStarted(summary);
      // A plan runs once: remember it, so coming back here shows the run, not a Run button.
      qc.setQueriesData<PlanPage>({ queryKey: wfk.plan(planId) }, (old) =>
        old ? { ...old, executionId: summary.executionId } : old,
      );
      void qc.invalidateQueries({ queryKey: wfk.executions(profile.id) });
    },
    onError: (e) => {
      const next = planChallengeOf(e);
      if (next) {
        // The first ask, or the server refused what was typed (expired, wrong): ask again.
        setChallenge((prev) => ({
          details: next,
          ...(prev ? { problem: e.message } : {}),
        }));
      } else setChallenge(undefined);
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
                apply.mutate(undefined);
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
      {again.isError && (
        <ErrorNotice
          compact
          title="The dry-run was not made"
          error={again.error}
          onDismiss={again.reset}
        />
      )}
      {apply.isError && !planChallengeOf(apply.error) && (
        <ErrorNotice
          compact
          title="The workflow did not start"
          error={apply.error}
          onDismiss={() => apply.reset()}
        />
      )}

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

      {challenge && (
        <TypedCountDialog
          key={challenge.details.challengeId}
          challenge={challenge.details}
          template={plan.template}
          effect={effectOf(plan)}
          problem={challenge.problem}
          busy={apply.isPending}
          onCancel={() => {
            setChallenge(undefined);
            apply.reset();
          }}
          onConfirm={(count, typedName) =>
            apply.mutate({
              challengeId: challenge.details.challengeId,
              count,
              ...(typedName !== undefined ? { typedName } : {}),
            })
          }
        />
      )}
    </section>
  );
}

export function ParamsDiff({ diff }: { diff: { param: string; from: unknown; to: unknown }[] }) {
  return (
    <table className="table compact-table wf-diff" aria-label="Changed params">
      <thead>
        <tr>
          <th scope="col">Param</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.param}>
            <td className="mono">{d.param}</td>
            <td className="mono wf-diff-from">{showValue(d.from)}</td>
            <td className="mono wf-diff-to">{showValue(d.to)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The page's planned keys; only the visible rows are in the DOM (pages hold up to 1,000). */
function PlanTable({ plan, stale }: { plan: PlanPage; stale: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const items = plan.items;
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const offset = (plan.page - 1) * plan.pageSize;
  const warmup = plan.builtin === "warmup-set";
  const label = `Planned changes, page ${plan.page} of ${formatCount(plan.pages)}`;

  if (items.length === 0) {
    return (
      <div className="wf-table-empty muted">
        {plan.status === "building"
          ? "The first keys are being listed…"
          : plan.matched === 0
            ? "No key would change: nothing matches, or every key is already as asked."
            : "This page is empty: go back to an earlier page."}
      </div>
    );
  }

  const virtual = virtualizer.getVirtualItems();
  const padTop = virtual[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (virtual.at(-1)?.end ?? 0));

  return (
    <div ref={scrollRef} className={stale ? "wf-table-scroll is-stale" : "wf-table-scroll"}>
      <table
        className="table wf-table"
        aria-label={label}
        aria-rowcount={items.length + 1}
        aria-busy={stale || undefined}
      >
        <colgroup>
          <col className="wf-col-n" />
          <col />
          <col className="wf-col-type" />
          <col className="wf-col-now" />
          <col className="wf-col-change" />
          <col className="wf-col-note" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Key</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              {warmup ? "Now" : "TTL now"}
            </th>
            <th scope="col">Change</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr className="wf-pad" style={{ height: padTop }}>
              <td colSpan={6} />
            </tr>
          )}
          {virtual.map((v) => {
            const item = items[v.index]!;
            const c = changeText(item);
            return (
              <tr
                key={`${v.index}-${item.keyBase64}`}
                aria-rowindex={v.index + 2}
                style={{ height: ROW_HEIGHT }}
              >
                <td className="num muted">{formatCount(offset + v.index + 1)}</td>
                <td className="mono wf-key" title={item.key}>
                  {item.key}
                </td>
                <td>
                  <span className={`type-badge type-${item.type}`}>{item.type}</span>
                </td>
                <td className="num muted">
                  {warmup
                    ? item.exists === undefined
                      ? ""
                      : item.exists
                        ? "exists"
                        : "absent"
                    : ttlWord(item.ttl)}
                </td>
                <td>
                  <span className={`wf-change wf-tone-${c.tone}`} title={c.title}>
                    {c.text}
                  </span>
                </td>
                <td className="muted small wf-note" title={item.note ?? item.node}>
                  {item.note ??
                    (warmup && item.change === "set"
                      ? item.ttlAfter !== undefined && item.ttlAfter >= 0
                        ? `TTL ${ttlWord(item.ttlAfter)} s`
                        : "no expiry"
                      : "")}
                  {item.node ? ` on ${item.node}` : ""}
                </td>
              </tr>
            );
          })}
          {padBottom > 0 && (
            <tr className="wf-pad" style={{ height: padBottom }}>
              <td colSpan={6} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** First / previous / page N of M (type to jump) / next / last, and the page size. */
function Pager({
  page,
  pages,
  pageSize,
  loading,
  onPage,
  onPageSize,
}: {
  page: number;
  pages: number;
  pageSize: number;
  loading: boolean;
  onPage: (p: number) => void;
  onPageSize: (n: number) => void;
}) {
  const [typed, setTyped] = useState<string | undefined>();
  const ids = { jump: useId(), size: useId() };
  const go = (p: number) => {
    setTyped(undefined);
    onPage(Math.min(pages, Math.max(1, p)));
  };
  const typedPage = typed === undefined ? page : Number(typed);
  const typedOk = Number.isInteger(typedPage) && typedPage >= 1 && typedPage <= pages;
  return (
    <nav className="wf-pager" aria-label="Plan pages">
      <button type="button" className="btn btn-small" onClick={() => go(1)} disabled={page <= 1}>
        First page
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(page - 1)}
        disabled={page <= 1}
      >
        Previous page
      </button>
      <form
        className="wf-jump"
        onSubmit={(e) => {
          e.preventDefault();
          if (typedOk) go(typedPage);
        }}
      >
        <label htmlFor={ids.jump}>Page</label>
        <input
          id={ids.jump}
          className="mono"
          inputMode="numeric"
          value={typed ?? String(page)}
          onChange={(e) => setTyped(e.target.value.replace(/[^\d]/g, ""))}
          aria-invalid={!typedOk || undefined}
          aria-label={`Page number, 1 to ${pages}`}
        />
        <span>of {formatCount(pages)}</span>
        <button type="submit" className="btn btn-small" disabled={!typedOk || typedPage === page}>
          Go to page
        </button>
      </form>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(page + 1)}
        disabled={page >= pages}
      >
        Next page
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => go(pages)}
        disabled={page >= pages}
      >
        Last page
      </button>
      <label className="field-inline push-right" htmlFor={ids.size}>
        Rows per page
        <select id={ids.size} value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {formatCount(n)}
            </option>
          ))}
        </select>
      </label>
      {loading && <span className="muted small">Loading…</span>}
    </nav>
  );
}
