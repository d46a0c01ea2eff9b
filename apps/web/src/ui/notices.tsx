import type { ReactNode } from "react";
import { ErrorNotice } from "./error-notice.tsx";

/** A failed mutation's notice (compact, dismissable); nothing while it has not failed. */
export function MutationError({
  m,
  title,
}: {
  m: { isError: boolean; error: unknown; reset: () => void };
  title: string;
}) {
  if (!m.isError) return null;
  return <ErrorNotice compact title={title} error={m.error} onDismiss={() => m.reset()} />;
}

/**
 * A query's three states: loading (a muted line), failed (the error with Retry), or its data
 * handed to `children`.
 */
export function QueryView<T>({
  q,
  loading,
  errorTitle,
  compact = false,
  children,
}: {
  q: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    data: T | undefined;
    refetch: () => unknown;
  };
  loading: ReactNode;
  errorTitle: string;
  compact?: boolean;
  children: (data: T) => ReactNode;
}) {
  if (q.isPending) return <p className="muted pad">{loading}</p>;
  if (q.isError || q.data === undefined) {
    return (
      <ErrorNotice
        compact={compact}
        title={errorTitle}
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  }
  return <>{children(q.data)}</>;
}

type QueryLike = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };

/**
 * What to show instead of a query's data while it loads or after it failed; null once it has
 * data: `const wait = loadState(q, "Loading…", "Could not load"); if (wait) return wait;`.
 */
export function loadState(
  q: QueryLike,
  loading: ReactNode,
  errorTitle: string,
  compact = false,
): ReactNode {
  if (!q.isPending && !q.isError) return null;
  return (
    <QueryView
      q={{ ...q, data: undefined }}
      loading={loading}
      errorTitle={errorTitle}
      compact={compact}
    >
      {() => null}
    </QueryView>
  );
}

/** An informational note (a capability the engine lacks, a best-effort listing). */
export function InfoNote({ text }: { text: ReactNode }) {
  return (
    <div className="notice notice-info compact" role="note">
      <div className="notice-body">
        <p>{text}</p>
      </div>
    </div>
  );
}
