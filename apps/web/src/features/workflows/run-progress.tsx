import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type ApiError, workflowApi } from "../../api/client.ts";
import { useExecution, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type {
  ExecutionSummary,
  ProfileView,
  WorkflowLiveMessage,
  WorkflowProgressEvent,
} from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import { MutationError } from "../../ui/notices.tsx";
import { formatRate, formatSpan, STATUS_LABEL } from "./wf-format.ts";

type Live = Omit<WorkflowProgressEvent, "type" | "event" | "executionId" | "planId">;

/** Where a run links to: its execution in the history, and its undo. */
export interface RunLinks {
  onOpenExecution: (executionId: string) => void;
  onUndo: (executionId: string) => void;
}

/** Asks for the Web Notification permission once, from a click (browsers want a gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification === "undefined") return;
  if (Notification.permission === "default") void Notification.requestPermission().catch(() => {});
}

/** A desktop notice when the window is in the background and the user allowed it; names only. */
export function notifyInBackground(title: string, body: string): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (document.visibilityState !== "hidden") return;
  try {
    new Notification(title, { body, tag: "cachify-workflow" });
  } catch {
    // Some browsers only allow notifications from a service worker: the in-page notice remains.
  }
}

/**
 * A running execution: processed / total, rate, ETA and Cancel, fed by the pushed progress
 * events (the execution is also polled, so a missed event costs at most two seconds). When it
 * ends: a notice in the page, and a desktop notification if the window is hidden.
 */
export function RunProgress({
  profile,
  started,
  onOpenExecution,
  onUndo,
}: RunLinks & { profile: ProfileView; started: ExecutionSummary }) {
  const qc = useQueryClient();
  const id = started.executionId;
  const detail = useExecution(id);
  const [live, setLive] = useState<Live | undefined>();
  const notified = useRef(false);

  useLiveMessages((m) => {
    const w = m as WorkflowLiveMessage;
    if (w.type !== "workflow") return;
    if (w.event === "progress" && w.executionId === id) {
      setLive({
        status: w.status,
        planned: w.planned,
        processed: w.processed,
        applied: w.applied,
        skipped: w.skipped,
        failed: w.failed,
        rate: w.rate,
        etaMs: w.etaMs,
      });
    }
    if (w.event === "execution-finished" && w.execution.executionId === id) {
      void qc.invalidateQueries({ queryKey: wfk.execution(id) });
      void qc.invalidateQueries({ queryKey: wfk.executions(profile.id) });
    }
  });

  const cancel = useMutation<ExecutionSummary, ApiError>({
    mutationFn: () => workflowApi.cancelExecution(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: wfk.execution(id) }),
  });

  // The stored record wins once it has ended; while it runs, the freshest of the two.
  const d = detail.data;
  const ended = d && d.status !== "running" ? d : undefined;
  const now: Live = ended
    ? { ...ended, rate: live?.rate ?? 0, etaMs: 0 }
    : live && (!d || live.processed >= d.processed)
      ? live
      : d
        ? { ...d, rate: live?.rate ?? 0, etaMs: live?.etaMs ?? null }
        : { ...started, rate: 0, etaMs: null };
  const total = Math.max(now.planned, 1);
  const pct = Math.min(100, Math.round((now.processed / total) * 100));
  const running = now.status === "running";

  useEffect(() => {
    if (!ended || notified.current) return;
    notified.current = true;
    void qc.invalidateQueries({ queryKey: wfk.executions(profile.id) });
    void qc.invalidateQueries({ queryKey: ["value", profile.id] });
    notifyInBackground(
      `${started.template} ${STATUS_LABEL[ended.status]} on ${profile.name}`,
      `${formatCount(ended.applied)} applied · ${formatCount(ended.skipped)} skipped · ${formatCount(ended.failed)} failed`,
    );
  }, [ended, profile.id, profile.name, qc, started.template]);

  const tone =
    now.status === "succeeded"
      ? "ok"
      : now.status === "running"
        ? "active"
        : now.status === "failed" || now.status === "aborted"
          ? "danger"
          : "warn";

  return (
    <section className={`wf-run wf-run-${tone}`} aria-label="Execution progress">
      <div className="wf-run-head">
        <strong>
          {running ? "Running" : `Execution ${STATUS_LABEL[now.status]}`} · {started.template}
        </strong>
        <span className="muted mono small">{id}</span>
        {running && (
          <button
            type="button"
            className="btn btn-small push-right"
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending || cancel.isSuccess}
          >
            {cancel.isSuccess ? "Cancelling…" : "Cancel execution"}
          </button>
        )}
      </div>
      <progress
        className="wf-progress"
        max={total}
        value={now.processed}
        aria-label={`Processed ${formatCount(now.processed)} of ${formatCount(now.planned)} keys`}
      />
      <p className="wf-run-figures" aria-live="polite">
        <span className="mono">
          {formatCount(now.processed)} / {formatCount(now.planned)}
        </span>{" "}
        keys ({pct}%) · {formatRate(now.rate)}
        {running && <> · ETA {now.etaMs === null ? "estimating…" : formatSpan(now.etaMs)}</>} ·{" "}
        {formatCount(now.applied)} applied · {formatCount(now.skipped)} skipped ·{" "}
        <span className={now.failed > 0 ? "wf-bad" : undefined}>
          {formatCount(now.failed)} failed
        </span>
      </p>
      <MutationError m={cancel} title="Could not cancel" />
      {ended && (
        <div className="wf-run-done" role="status">
          <p>
            {ended.status === "succeeded"
              ? `Finished in ${formatSpan((ended.endedAt ?? ended.startedAt) - ended.startedAt)}.`
              : `The execution ${STATUS_LABEL[ended.status]}${ended.abortReason ? `: ${ended.abortReason}` : ended.error ? `: ${ended.error.message}` : "."}`}
            {ended.rollbackResult &&
              ` Rolled back ${formatCount(ended.rollbackResult.restored)} key(s).`}
          </p>
          <div className="wf-run-actions">
            <button type="button" className="btn btn-small" onClick={() => onOpenExecution(id)}>
              Open in execution history
            </button>
            {ended.applied > 0 && (
              <button type="button" className="btn btn-small" onClick={() => onUndo(id)}>
                Undo this execution…
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
