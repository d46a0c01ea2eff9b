import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { type ApiError, rollbackApi } from "../../api/client.ts";
import { qk, useExecution, useSnapshot, useSnapshots, wfk } from "../../api/hooks.ts";
import { useLiveMessages } from "../../api/live-bus.ts";
import type {
  ProfileView,
  RestoreProgress,
  RestoreResult,
  RestoreSelection,
  SnapshotView,
} from "../../api/types.ts";
import { formatBytes, formatCount, formatTime, formatTtl } from "../../lib/format.ts";
import { readOnlyReason } from "../../lib/profile.ts";
import { ActionButton } from "../action-button.tsx";
import { EnvBadge } from "../env-badge.tsx";
import { ErrorNotice } from "../error-notice.tsx";
import { GuardCancelled, useGuard } from "../guard.tsx";
import { WarningIcon } from "../icons.tsx";

/** Where the helper was opened from: an execution, a key's value panel, or a History row. */
export type RollbackScope =
  | { kind: "execution"; executionId: string }
  | { kind: "key"; key: string; keyBase64: string }
  | { kind: "operation"; operationId: string; label?: string }
  /** Every recent snapshot of the connection (the command palette's "Rollback"). */
  | { kind: "recent" };

type GroupBy = "key" | "execution";
const LIST_LIMIT = 500;

function shortId(id: string): string {
  const i = id.indexOf("_");
  return i >= 0 ? `${id.slice(0, i + 1)}…${id.slice(-6)}` : id;
}

function isExpired(s: SnapshotView, now: number): boolean {
  return s.expiresAt !== null && s.expiresAt <= now;
}

function expiredWhy(s: SnapshotView): string {
  return `Its TTL ran out at ${new Date(s.expiresAt!).toLocaleString()}: restoring it would delete the live key, so the restore skips it.`;
}

/** The key's TTL at capture time, as it would be restored (absolute expiry). */
function snapshotTtl(s: SnapshotView, now: number): string {
  if (!s.existed) return "did not exist";
  if (s.expiresAt === null) return "no expiry";
  if (s.expiresAt <= now) return `expired ${formatTime(s.expiresAt)}`;
  return `${formatTtl(Math.round((s.expiresAt - now) / 1000))} left (expires ${formatTime(s.expiresAt)})`;
}

function scopeTitle(scope: RollbackScope): string {
  if (scope.kind === "execution") return `Undo execution ${shortId(scope.executionId)}`;
  if (scope.kind === "key") return `History / undo · ${scope.key}`;
  if (scope.kind === "recent") return "Rollback · recent changes";
  return `Undo ${scope.label ?? `operation ${shortId(scope.operationId)}`}`;
}

function scopeFilter(scope: RollbackScope) {
  if (scope.kind === "execution") return { executionId: scope.executionId };
  if (scope.kind === "key") return { keyBase64: scope.keyBase64 };
  if (scope.kind === "recent") return {};
  return { operationId: scope.operationId };
}

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
  const ref = useRef<HTMLDialogElement>(null);
  const ids = { title: useId(), show: useId(), group: useId(), force: useId() };
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

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
    };
  }, []);

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
              <fieldset className="segmented">
                <legend className="sr-only">Show snapshots</legend>
                {(
                  [
                    [
                      "scope",
                      scope.kind === "execution"
                        ? "This execution"
                        : scope.kind === "key"
                          ? "This key"
                          : "This change",
                    ],
                    ["recent", "All recent on this connection"],
                  ] as const
                ).map(([v, label]) => (
                  <label key={v}>
                    <input
                      className="segmented-radio"
                      type="radio"
                      name={ids.show}
                      checked={show === v}
                      onChange={() => {
                        setShow(v);
                        setSelected(new Set());
                        setCompare(undefined);
                      }}
                    />
                    <span>{label}</span>
                  </label>
                ))}
              </fieldset>
            )}
            <fieldset className="segmented">
              <legend className="sr-only">Group snapshots by</legend>
              {(
                [
                  ["key", "By key"],
                  ["execution", "By execution"],
                ] as const
              ).map(([v, label]) => (
                <label key={v}>
                  <input
                    className="segmented-radio"
                    type="radio"
                    name={ids.group}
                    checked={groupBy === v}
                    onChange={() => setGroupBy(v)}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </fieldset>
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

        {list.isPending ? (
          <p className="muted pad">Loading snapshots…</p>
        ) : list.isError ? (
          <ErrorNotice
            title="Could not load the snapshots"
            error={list.error}
            onRetry={() => void list.refetch()}
          />
        ) : snapshots.length === 0 ? (
          <div className="rb-empty">
            <p>
              <strong>No snapshots here.</strong>{" "}
              {scope.kind === "key" && show === "scope"
                ? "Nothing changed this key through the studio yet, or its snapshots were pruned by retention."
                : "Snapshots are saved before every change the studio makes; they may have been pruned by retention, or this change saved none (the engine cannot take them, or snapshots are off)."}
            </p>
          </div>
        ) : (
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
                          onChange={(e) => toggle(all, e.target.checked)}
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
                              onChange={(e) => toggle([s.snapshotId], e.target.checked)}
                            />
                          </td>
                          <td
                            className="mono rb-what"
                            title={groupBy === "key" ? s.operationId : s.key}
                          >
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
                              onClick={() => setCompare(s.snapshotId)}
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
        )}

        {chosen && (
          <SnapshotCompare
            snapshotId={chosen}
            lock={lock}
            busy={restore.isPending}
            onRestore={(s) => run({ snapshotIds: [s.snapshotId] }, `${s.key}`, 1)}
          />
        )}

        {restore.isPending && running && <RestoreProgressBar selection={running} />}
        {restore.isError && (
          <ErrorNotice
            compact
            title="Nothing was restored"
            error={restore.error}
            onDismiss={restore.reset}
          />
        )}
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
            {wholeExecution && (
              <ActionButton
                className="btn btn-danger"
                lock={lock}
                disabled={restore.isPending || snapshots.length === 0}
                onClick={() =>
                  run(
                    { executionId: wholeExecution },
                    `Every key execution ${shortId(wholeExecution)} changed`,
                    execution.data?.applied ?? new Set(snapshots.map((s) => s.keyBase64)).size,
                  )
                }
              >
                Restore whole execution
              </ActionButton>
            )}
            {scope.kind === "operation" && (
              <ActionButton
                className="btn btn-danger"
                lock={lock}
                disabled={restore.isPending || snapshots.length === 0}
                onClick={() =>
                  run(
                    { operationId: scope.operationId },
                    `Every key this change touched`,
                    new Set(snapshots.map((s) => s.keyBase64)).size,
                  )
                }
              >
                Restore this change
              </ActionButton>
            )}
          </div>
        </footer>
      </div>
    </dialog>
  );
}

/** One snapshot beside the key as it is now (strings shown; other types by type and size). */
function SnapshotCompare({
  snapshotId,
  lock,
  busy,
  onRestore,
}: {
  snapshotId: string;
  lock: string | undefined;
  busy: boolean;
  onRestore: (s: SnapshotView) => void;
}) {
  const q = useSnapshot(snapshotId);
  const now = Date.now();
  if (q.isPending) return <p className="muted pad">Reading the snapshot and the key…</p>;
  if (q.isError) {
    return (
      <ErrorNotice
        compact
        title="Could not compare"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  }
  const { snapshot: s, current: c, conflict } = q.data;
  const missing = c.type === "none" || c.ttl === -2;
  const expired = isExpired(s, now);
  const same =
    !missing &&
    s.existed &&
    s.type === c.type &&
    s.valueBase64 !== undefined &&
    s.valueBase64 === c.valueBase64;
  return (
    <section className="rb-compare" aria-label={`Snapshot of ${s.key} beside its current state`}>
      <div className="rb-compare-head">
        <strong className="mono rb-compare-key" title={s.key}>
          {s.key}
        </strong>
        <ActionButton
          className="btn btn-small btn-primary"
          lock={lock ?? (expired ? expiredWhy(s) : undefined)}
          disabled={busy}
          onClick={() => onRestore(s)}
        >
          Restore this key
        </ActionButton>
      </div>
      {s.restoreStatus === "restored" ? (
        <p className="rb-info" role="note">
          This snapshot was already restored. Restoring it again overwrites whatever the key holds
          now, so it needs Force.
        </p>
      ) : (
        conflict && (
          <p className="rb-conflict" role="note">
            <WarningIcon /> Conflict: {conflict}. The restore skips this key unless Force is ticked.
          </p>
        )
      )}
      {expired && (
        <p className="rb-conflict" role="note">
          <WarningIcon /> {expiredWhy(s)}
        </p>
      )}
      <div className="rb-sides">
        <section className="rb-side" aria-label="Snapshot">
          <h3>Snapshot · {formatTime(s.capturedAt)}</h3>
          <dl className="rb-facts">
            <dt>Type</dt>
            <dd>{s.existed ? s.type : "absent (restoring deletes the key)"}</dd>
            <dt>TTL</dt>
            <dd>{snapshotTtl(s, now)}</dd>
            <dt>Size</dt>
            <dd>{s.existed ? formatBytes(s.sizeBytes) : "—"}</dd>
            <dt>Saved by</dt>
            <dd className="mono">{s.operation}</dd>
            {s.rdbVersion !== undefined && (
              <>
                <dt>RDB version</dt>
                <dd title="A server older than the one that took the snapshot may refuse it">
                  {s.rdbVersion ?? "unknown"}
                </dd>
              </>
            )}
          </dl>
          <ValueBox exists={s.existed} type={s.type} value={s.value} b64={s.valueBase64} />
        </section>
        <section className="rb-side" aria-label="Now">
          <h3>Now</h3>
          <dl className="rb-facts">
            <dt>Type</dt>
            <dd>{missing ? "missing (deleted or expired)" : c.type}</dd>
            <dt>TTL</dt>
            <dd>{missing ? "—" : formatTtl(c.ttl)}</dd>
          </dl>
          <ValueBox exists={!missing} type={c.type} value={c.value} b64={c.valueBase64} />
          {same && <p className="hint">Same value as the snapshot.</p>}
        </section>
      </div>
    </section>
  );
}

function ValueBox({
  exists,
  type,
  value,
  b64,
}: {
  exists: boolean;
  type: string;
  value: string | null;
  b64: string | undefined;
}) {
  if (!exists) return <p className="rb-value muted">No value: the key does not exist.</p>;
  if (type !== "string") {
    return (
      <p className="rb-value muted">
        {type} values are not shown here; the restore puts the whole key back (every member).
      </p>
    );
  }
  if (value === null) {
    return (
      <p className="rb-value muted">
        {b64 === undefined ? "The value was not sent." : "Binary value (not text)."}
      </p>
    );
  }
  return (
    <pre className="rb-value mono">{value.length > 4000 ? `${value.slice(0, 4000)}…` : value}</pre>
  );
}

function RestoreOutcome({
  result: { what, r },
  force,
}: {
  result: { what: string; r: RestoreResult };
  force: boolean;
}) {
  const skippedConflict = r.items.some(
    (i) => i.status === "skipped" && /force/i.test(i.reason ?? ""),
  );
  const ok = r.failed === 0 && r.skipped === 0;
  return (
    <section
      className={`rb-result ${ok ? "rb-result-ok" : "rb-result-warn"}`}
      role="status"
      aria-label="Restore result"
    >
      <p>
        <strong>
          {formatCount(r.restored)} restored · {formatCount(r.skipped)} skipped ·{" "}
          {formatCount(r.failed)} failed
        </strong>{" "}
        <span className="muted">({what})</span>
      </p>
      {r.items.some((i) => i.status !== "restored" && i.status !== "deleted") && (
        <ul className="rb-items">
          {r.items
            .filter((i) => i.status !== "restored" && i.status !== "deleted")
            .slice(0, 50)
            .map((i) => (
              <li key={i.keyBase64}>
                <span className={`rb-flag rb-${i.status}`}>{i.status}</span>{" "}
                <span className="mono">{i.key}</span>
                {i.reason ? <span className="muted">: {i.reason}</span> : null}
              </li>
            ))}
        </ul>
      )}
      {skippedConflict && !force && (
        <p className="hint">
          Keys changed since their snapshot were left alone. Tick Force and restore again to
          overwrite them.
        </p>
      )}
    </section>
  );
}

/**
 * Where a long restore is: the studio pushes counts after each page of 2,000 keys. Shows nothing
 * until the first page is done (a small restore ends before that).
 */
function RestoreProgressBar({ selection }: { selection: RestoreSelection }) {
  const [progress, setProgress] = useState<RestoreProgress>();
  useLiveMessages((m) => {
    const msg = m as { type: string; event?: string; executionId?: string; operationId?: string };
    if (msg.type !== "rollback" || msg.event !== "progress") return;
    if (selection.executionId && msg.executionId !== selection.executionId) return;
    if (selection.operationId && msg.operationId !== selection.operationId) return;
    if (!selection.executionId && !selection.operationId && (msg.executionId || msg.operationId))
      return;
    setProgress(msg as unknown as RestoreProgress);
  });
  if (!progress || progress.total === 0) return null;
  const done = progress.restored + progress.skipped + progress.failed;
  return (
    <div className="rb-progress">
      <progress aria-label="Restore progress" max={progress.total} value={done} />
      <span className="small" role="status">
        {formatCount(done)} of {formatCount(progress.total)} keys · {formatCount(progress.restored)}{" "}
        restored
        {progress.skipped > 0 ? ` · ${formatCount(progress.skipped)} skipped` : ""}
        {progress.failed > 0 ? ` · ${formatCount(progress.failed)} failed` : ""}
      </span>
    </div>
  );
}
