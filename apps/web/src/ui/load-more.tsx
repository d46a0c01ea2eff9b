/** "Load more" under a paged list: the next page, disabled while it loads. */
export function LoadMore({
  q,
  label,
}: {
  q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!q.hasNextPage) return null;
  return (
    <div className="loadmore">
      <button
        type="button"
        className="btn btn-small"
        onClick={() => void q.fetchNextPage()}
        disabled={q.isFetchingNextPage}
      >
        {q.isFetchingNextPage ? "Loading…" : label}
      </button>
    </div>
  );
}
