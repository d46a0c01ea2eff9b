import { useSnapshot } from "../../api/hooks.ts";
import type { SnapshotView } from "../../api/types.ts";
import { formatBytes, formatTime, formatTtl } from "../../lib/format.ts";
import { ActionButton } from "../../ui/action-button.tsx";
import { WarningIcon } from "../../ui/icons.tsx";
import { loadState } from "../../ui/notices.tsx";
import { expiredWhy, isExpired, snapshotTtl } from "./rollback-format.ts";

/** One snapshot beside the key as it is now (strings shown; other types by type and size). */
export function SnapshotCompare({
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
  const wait = loadState(q, "Reading the snapshot and the key…", "Could not compare", true);
  if (wait || !q.data) return wait;
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
