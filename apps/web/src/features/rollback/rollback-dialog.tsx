import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useId, useMemo, useState } from "react";
import { type ApiError, rollbackApi } from "../../api/client.ts";
import { qk, useExecution, useSnapshots, wfk } from "../../api/hooks.ts";
import type {
  ProfileView,
  RestoreResult,
  RestoreSelection,
  SnapshotView,
} from "../../api/types.ts";
import { formatCount, formatTime } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { EnvBadge } from "../../ui/env-badge.tsx";
import { GuardCancelled, useGuard } from "../../ui/guard.tsx";
import { useModal } from "../../ui/modal.ts";
import { loadState, MutationError } from "../../ui/notices.tsx";
import { Segmented } from "../../ui/segmented.tsx";
import { RestoreOutcome, RestoreProgressBar } from "./restore-outcome.tsx";
import {
  type GroupBy,
  LIST_LIMIT,
  type RollbackScope,
  scopeFilter,
  scopeTitle,
  shortId,
} from "./rollback-format.ts";
import { SnapshotCompare } from "./snapshot-compare.tsx";
import { SnapshotTable } from "./snapshot-table.tsx";

export type { RollbackScope } from "./rollback-format.ts";

/**
 * The rollback helper: the snapshots (pre-images) of an execution, a key or one operation, or
 * every recent one of the connection, by key or by execution; one snapshot beside the key as it
 * is now; and restore of one key, the selected keys, or the whole execution. Keys changed since
 * the snapshot are skipped unless Force is ticked; the server's 428 goes through the guard.
 */
export function RollbackDialog({
  profile,
  scope,
  onClose,
}: {
  profile: ProfileView;
  scope: RollbackScope;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const guard = useGuard();
  const ref = useModal();
  const ids = { title: useId(), force: useId() };
  const [show, setShow] = useState<"scope" | "recent">("scope");
  const [groupBy, setGroupBy] = useState<GroupBy>(scope.kind === "key" ? "key" : "execution");
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [compare, setCompare] = useState<string | undefined>();
  const [force, setForce] = useState(false);
  const [result, setResult] = useState<{ what: string; r: RestoreResult } | undefined>();
  const lock = readOnlyReason(profile);
  const now = Date.now();

  const list = useSnapshots(profile.id, show === "scope" ? scopeFilter(scope) : {}, LIST_LIMIT);
  // The list stops at LIST_LIMIT; the whole execution's size comes from its record.
  const execution = useExecution(scope.kind === "execution" ? scope.executionId : undefined);
  const snapshots = list.data ?? [];
  const chosen = compare ?? snapshots[0]?.snapshotId;

  const groups = useMemo(() => {
    const m = new Map<string, { label: ReactNode; title: string; rows: SnapshotView[] }>();
    for (const s of snapshots) {
      const id = groupBy === "key" ? s.keyBase64 : (s.executionId ?? s.operationId);
      let g = m.get(id);
      if (!g) {
        g =
          groupBy === "key"
            ? { label: <span className="mono">{s.key}</span>, title: s.key, rows: [] }
            : s.executionId
              ? {
                  label: (
                    <>
                      Execution <span className="mono">{shortId(s.executionId)}</span>
                    </>
                  ),
                  title: s.executionId,
                  rows: [],
                }
              : {
                  label: (
                    <>
                      <span className="mono">{s.operation}</span> at {formatTime(s.capturedAt)}
                    </>
                  ),
                  title: s.operationId,
                  rows: [],
                };
        m.set(id, g);
      }
      g.rows.push(s);
    }
    return [...m.entries()];
  }, [snapshots, groupBy]);

  const restore = useMutation<
    { what: string; r: RestoreResult } | undefined,
    ApiError,
    { selection: RestoreSelection; what: string; keys: number }
  >({
    mutationFn: async ({ selection, what, keys }) => {
      try {
        const r = await guard(
          {
            title: keys === 1 ? "Restore 1 key" : `Restore ${formatCount(keys)} keys`,
            effect: (
              <>
                {what} will be put back as it was when the snapshot was taken
                {force
                  ? ", overwriting changes made since (Force)"
                  : "; keys changed since are skipped"}
                . A snapshot of the current state is saved first, so this restore can be undone too.
              </>
            ),
            working: <RestoreProgressBar selection={selection} />,
          },
          (confirm) => rollbackApi.restore(selection, force, confirm),
        );
        return { what, r };
      } catch (e) {
        if (e instanceof GuardCancelled) return undefined;
        throw e;
      }
    },
    onSuccess: (done) => {
      if (!done) return;
      setResult(done);
      void qc.invalidateQueries({ queryKey: wfk.snapshots(profile.id) });
      void qc.invalidateQueries({ queryKey: ["snapshot"] });
      void qc.invalidateQueries({ queryKey: ["value", profile.id] });
      void qc.invalidateQueries({ queryKey: qk.keysOf(profile.id) });
      void qc.invalidateQueries({ queryKey: qk.history(profile.id) });
    },
  });

  /** The selection being restored, for its progress bar. */
  const [running, setRunning] = useState<RestoreSelection>();

  const run = (selection: RestoreSelection, what: string, keys: number) => {
    setResult(undefined);
    setRunning(selection);
    restore.mutate({ selection, what, keys }, { onSettled: () => setRunning(undefined) });
  };

  const selectedRows = snapshots.filter((s) => selected.has(s.snapshotId));
  const selectedKeys = new Set(selectedRows.map((s) => s.keyBase64)).size;
  const toggle = (idsToFlip: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of idsToFlip) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelected(next);
  };
  const wholeExecution = scope.kind === "execution" ? scope.executionId : undefined;
  const distinctKeys = () => new Set(snapshots.map((s) => s.keyBase64)).size;
  /** Restores of everything the execution (or the one change) touched, not only what is listed. */
  const wholeActions: {
    label: string;
    selection: RestoreSelection;
    what: string;
    keys: () => number;
  }[] = [
    ...(wholeExecution
      ? [
          {
            label: "Restore whole execution",
            selection: { executionId: wholeExecution },
            what: `Every key execution ${shortId(wholeExecution)} changed`,
            keys: () => execution.data?.applied ?? distinctKeys(),
          },
        ]
      : []),
    ...(scope.kind === "operation"
      ? [
          {
            label: "Restore this change",
            selection: { operationId: scope.operationId },
            what: "Every key this change touched",
            keys: distinctKeys,
          },
        ]
      : []),
  ];

  return (
    <dialog
      ref={ref}
      className={`dialog rb-dialog env-${profile.environment}`}
      aria-labelledby={ids.title}
      onCancel={(e) => {
        e.preventDefault();
        if (!restore.isPending) onClose();
      }}
    >
      <div className="rb-body">
        <header className="rb-head">
          <div className="guard-env">
            <EnvBadge env={profile.environment} />
            <span>
              <strong>{profile.name}</strong> · rollback helper
            </span>
          </div>
          <h2 id={ids.title}>{scopeTitle(scope)}</h2>
          <div className="rb-controls">
            {scope.kind !== "recent" && (
              <Segmented
                legend="Show snapshots"
                value={show}
                options={[
                  [
                    "scope",
                    scope.kind === "execution"
                      ? "This execution"
                      : scope.kind === "key"
                        ? "This key"
                        : "This change",
                  ],
                  ["recent", "All recent on this connection"],
                ]}
                onChange={(v) => {
                  setShow(v);
                  setSelected(new Set());
                  setCompare(undefined);
                }}
              />
            )}
            <Segmented
              legend="Group snapshots by"
              value={groupBy}
              options={[
                ["key", "By key"],
                ["execution", "By execution"],
              ]}
              onChange={setGroupBy}
            />
            <span className="muted small push-right">
              {list.isSuccess &&
                `${formatCount(snapshots.length)} ${snapshots.length === 1 ? "snapshot" : "snapshots"}${snapshots.length >= LIST_LIMIT ? ` (latest ${LIST_LIMIT})` : ""}`}
              {wholeExecution &&
                execution.data &&
                snapshots.length >= LIST_LIMIT &&
                ` · the execution changed ${formatCount(execution.data.applied)} keys; “Restore whole execution” covers them all`}
            </span>
          </div>
        </header>

        {loadState(list, "Loading snapshots…", "Could not load the snapshots") ??
          (snapshots.length === 0 ? (
            <div className="rb-empty">
              <p>
                <strong>No snapshots here.</strong>{" "}
                {scope.kind === "key" && show === "scope"
                  ? "Nothing changed this key through the studio yet, or its snapshots were pruned by retention."
                  : "Snapshots are saved before every change the studio makes; they may have been pruned by retention, or this change saved none (the engine cannot take them, or snapshots are off)."}
              </p>
            </div>
          ) : (
            <SnapshotTable
              groups={groups}
              groupBy={groupBy}
              selected={selected}
              chosen={chosen}
              now={now}
              onToggle={toggle}
              onCompare={setCompare}
            />
          ))}

        {chosen && (
          <SnapshotCompare
            snapshotId={chosen}
            lock={lock}
            busy={restore.isPending}
            onRestore={(s) => run({ snapshotIds: [s.snapshotId] }, `${s.key}`, 1)}
          />
        )}

        {restore.isPending && running && <RestoreProgressBar selection={running} />}
        <MutationError m={restore} title="Nothing was restored" />
        {result && <RestoreOutcome result={result} force={force} />}

        <footer className="rb-foot">
          <label className="check rb-force" htmlFor={ids.force}>
            <input
              id={ids.force}
              type="checkbox"
              checked={force}
              onChange={(e) => setForce(e.target.checked)}
            />
            <span>
              Force: also overwrite keys changed since the snapshot
              <span className="hint"> (otherwise they are skipped and listed)</span>
            </span>
          </label>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose} disabled={restore.isPending}>
              Close
            </button>
            <ActionButton
              className="btn"
              lock={lock}
              disabled={selectedRows.length === 0 || restore.isPending}
              onClick={() =>
                run(
                  { snapshotIds: selectedRows.map((s) => s.snapshotId) },
                  selectedKeys === 1
                    ? selectedRows[0]!.key
                    : `${formatCount(selectedKeys)} selected keys`,
                  selectedKeys,
                )
              }
            >
              Restore selected ({formatCount(selectedKeys)})
            </ActionButton>
            {wholeActions.map((w) => (
              <ActionButton
                key={w.label}
                className="btn btn-danger"
                lock={lock}
                disabled={restore.isPending || snapshots.length === 0}
                onClick={() => run(w.selection, w.what, w.keys())}
              >
                {w.label}
              </ActionButton>
            ))}
          </div>
        </footer>
      </div>
    </dialog>
  );
}
