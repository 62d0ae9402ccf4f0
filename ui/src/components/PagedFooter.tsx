import type { PagedSearch } from "../lib/usePagedSearch";

/** Under a paged list: "Loading…", the message for an empty result, or "Load more". */
export function PagedFooter<T>({ search, empty }: { search: PagedSearch<T>; empty: string }) {
  return (
    <>
      {search.loading ? <p className="muted">Loading…</p> : null}
      {!search.loading && !search.error && search.items.length === 0 ? (
        <p className="empty muted">{empty}</p>
      ) : null}
      {search.hasMore ? (
        <button type="button" onClick={() => void search.loadMore()}>
          Load more
        </button>
      ) : null}
    </>
  );
}
