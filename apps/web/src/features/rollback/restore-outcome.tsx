import { useState } from "react";
import { useLiveMessages } from "../../api/live-bus.ts";
import type { RestoreProgress, RestoreResult, RestoreSelection } from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";

export function RestoreOutcome({
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
export function RestoreProgressBar({ selection }: { selection: RestoreSelection }) {
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
