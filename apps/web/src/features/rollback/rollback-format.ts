import type { SnapshotView } from "../../api/types.ts";
import { formatTime, formatTtl } from "../../lib/format.ts";

/** Where the helper was opened from: an execution, a key's value panel, or a History row. */
export type RollbackScope =
  | { kind: "execution"; executionId: string }
  | { kind: "key"; key: string; keyBase64: string }
  | { kind: "operation"; operationId: string; label?: string }
  /** Every recent snapshot of the connection (the command palette's "Rollback"). */
  | { kind: "recent" };

export type GroupBy = "key" | "execution";
export const LIST_LIMIT = 500;

export function shortId(id: string): string {
  const i = id.indexOf("_");
  return i >= 0 ? `${id.slice(0, i + 1)}…${id.slice(-6)}` : id;
}

export function isExpired(s: SnapshotView, now: number): boolean {
  return s.expiresAt !== null && s.expiresAt <= now;
}

export function expiredWhy(s: SnapshotView): string {
  return `Its TTL ran out at ${new Date(s.expiresAt!).toLocaleString()}: restoring it would delete the live key, so the restore skips it.`;
}

/** The key's TTL at capture time, as it would be restored (absolute expiry). */
export function snapshotTtl(s: SnapshotView, now: number): string {
  if (!s.existed) return "did not exist";
  if (s.expiresAt === null) return "no expiry";
  if (s.expiresAt <= now) return `expired ${formatTime(s.expiresAt)}`;
  return `${formatTtl(Math.round((s.expiresAt - now) / 1000))} left (expires ${formatTime(s.expiresAt)})`;
}

export function scopeTitle(scope: RollbackScope): string {
  if (scope.kind === "execution") return `Undo execution ${shortId(scope.executionId)}`;
  if (scope.kind === "key") return `History / undo · ${scope.key}`;
  if (scope.kind === "recent") return "Rollback · recent changes";
  return `Undo ${scope.label ?? `operation ${shortId(scope.operationId)}`}`;
}

export function scopeFilter(scope: RollbackScope) {
  if (scope.kind === "execution") return { executionId: scope.executionId };
  if (scope.kind === "key") return { keyBase64: scope.keyBase64 };
  if (scope.kind === "recent") return {};
  return { operationId: scope.operationId };
}
