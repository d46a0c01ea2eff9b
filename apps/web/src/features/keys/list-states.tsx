import type { ProfileView, ValueType } from "../../api/types.ts";
import { EmptyState } from "../../ui/empty-state.tsx";

interface Scan {
  isSuccess: boolean;
  isFetching: boolean;
  isFetchingNextPage: boolean;
  hasNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** What the list shows when no key is loaded: an empty database, no match, or not yet. */
export function ListEmpty({
  profile,
  keys,
  match,
  type,
  lock,
}: {
  profile: ProfileView;
  keys: Scan;
  match: string;
  type: ValueType | "";
  lock: string | undefined;
}) {
  return keys.isSuccess && !keys.hasNextPage && match === "*" && !type ? (
    <EmptyState title="No keys yet">
      <p>
        <strong>{profile.name}</strong> holds no keys
        {profile.engine === "redis" ? ` in database ${profile.db ?? 0}` : ""}.{" "}
        {lock ? "" : "Create one with New key, or load some with a warm-up workflow."}
      </p>
    </EmptyState>
  ) : keys.isSuccess && !keys.hasNextPage ? (
    <EmptyState title="No keys match">
      <p>
        Nothing in <strong>{profile.name}</strong> matches <code>{match}</code>
        {type ? ` with type ${type}` : ""}. Try a wider pattern, such as <code>*</code>.
      </p>
    </EmptyState>
  ) : keys.isSuccess && !keys.isFetching ? (
    <EmptyState title="No matches yet">
      <p>The part of the keyspace scanned so far has no match. Load more to keep scanning.</p>
    </EmptyState>
  ) : (
    <div className="keylist-placeholder" />
  );
}

/** Load more, Load all (to the end of the keyspace) and Stop loading. */
export function LoadMore({
  keys,
  loadingAll,
  onLoadingAll,
}: {
  keys: Scan;
  loadingAll: boolean;
  onLoadingAll: (on: boolean) => void;
}) {
  if (!keys.hasNextPage) return null;
  return (
    <div className="loadmore">
      {loadingAll ? (
        <button type="button" className="btn btn-small" onClick={() => onLoadingAll(false)}>
          Stop loading
        </button>
      ) : (
        <>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void keys.fetchNextPage()}
            disabled={keys.isFetchingNextPage}
          >
            {keys.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => onLoadingAll(true)}
            title="Keep scanning to the end of the keyspace (you can stop at any time)"
          >
            Load all
          </button>
        </>
      )}
    </div>
  );
}
