// A search shown page by page: the first page loads with the query, "Load more" appends the
// next one; a new query starts again from its first page.
import { useState } from "react";
import { useAsync } from "./useAsync";

export interface SearchPage<T> {
  items: T[];
  nextPageToken?: string;
}

export interface PagedSearch<T> {
  items: T[];
  loading: boolean;
  /** Why the first page failed. */
  error: unknown;
  /** Why the last "Load more" failed. */
  moreError: unknown;
  /** Whether the server has another page. */
  hasMore: boolean;
  loadMore: () => Promise<void>;
}

/** Pages of `fetchPage` for the query named by `deps` (the token is undefined on page one). */
export function usePagedSearch<T>(
  fetchPage: (pageToken?: string) => Promise<SearchPage<T>>,
  deps: readonly unknown[],
): PagedSearch<T> {
  const [more, setMore] = useState<T[]>([]);
  const [token, setToken] = useState<string | undefined>(undefined);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  const first = useAsync(async () => {
    const page = await fetchPage();
    setMore([]);
    setMoreError(undefined);
    setToken(page.nextPageToken);
    return page.items;
  }, deps);

  const loadMore = async () => {
    if (!token) return;
    try {
      const page = await fetchPage(token);
      setMore((list) => [...list, ...page.items]);
      setToken(page.nextPageToken);
    } catch (exc) {
      setMoreError(exc);
    }
  };
  return {
    items: [...(first.data ?? []), ...more],
    loading: first.loading,
    error: first.error,
    moreError,
    hasMore: Boolean(token),
    loadMore,
  };
}
