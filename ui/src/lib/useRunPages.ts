// The runs of one search, loaded a page at a time as the table scrolls, with live updates for
// runs that are still running.
import { useCallback, useEffect, useRef, useState } from "react";
import { searchRuns, type RunSearch } from "../api/tracking";
import type { Run } from "../api/types";
import { useInterval } from "./useAsync";

export const PAGE_SIZE = 200;
export const LIVE_REFRESH_MS = 5000;
const MAX_LIVE_RUNS = 100;

export interface RunPages {
  runs: Run[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

export function useRunPages(search: RunSearch, live: boolean): RunPages {
  const [runs, setRuns] = useState<Run[]>([]);
  const [token, setToken] = useState<string | undefined>(undefined);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const busy = useRef(false);
  const key = JSON.stringify(search);

  const fetchPage = useCallback(
    async (pageToken: string | undefined, mine: number) => {
      busy.current = true;
      setLoading(true);
      try {
        const res = await searchRuns({ ...search, max_results: PAGE_SIZE, page_token: pageToken });
        if (mine !== generation.current) return;
        const page = res.runs ?? [];
        setRuns((previous) => (pageToken ? [...previous, ...page] : page));
        setToken(res.next_page_token);
        setHasMore(Boolean(res.next_page_token));
        setError(undefined);
      } catch (exc) {
        if (mine !== generation.current) return;
        setError(exc);
        if (!pageToken) setRuns([]);
        setHasMore(false);
      } finally {
        if (mine === generation.current) {
          busy.current = false;
          setLoading(false);
        }
      }
    },
    [key],
  );

  useEffect(() => {
    const mine = ++generation.current;
    setToken(undefined);
    void fetchPage(undefined, mine);
  }, [fetchPage, tick]);

  const loadMore = useCallback(() => {
    if (busy.current || !token) return;
    void fetchPage(token, generation.current);
  }, [fetchPage, token]);

  const reload = useCallback(() => setTick((t) => t + 1), []);

  // Re-read only the loaded runs that are still running and swap them in place.
  const running = runs.filter((run) => run.info.status === "RUNNING").slice(0, MAX_LIVE_RUNS);
  useInterval(
    () => {
      const ids = running.map((run) => run.info.run_id);
      const mine = generation.current;
      const quoted = ids.map((id) => `'${id}'`).join(", ");
      searchRuns({
        experiment_ids: search.experiment_ids,
        filter: `attributes.run_id IN (${quoted})`,
        run_view_type: "ALL",
        max_results: ids.length,
      }).then(
        (res) => {
          if (mine !== generation.current) return;
          const fresh = new Map((res.runs ?? []).map((run) => [run.info.run_id, run]));
          setRuns((previous) => previous.map((run) => fresh.get(run.info.run_id) ?? run));
        },
        () => undefined, // a failed refresh keeps the rows; the next tick tries again
      );
    },
    LIVE_REFRESH_MS,
    live && running.length > 0,
  );

  return { runs, error, loading, hasMore, loadMore, reload };
}

/** Every run of a search, page after page (for export), up to `limit`. */
export async function fetchAllRuns(search: RunSearch, limit = 100_000): Promise<Run[]> {
  const all: Run[] = [];
  let pageToken: string | undefined;
  do {
    const res = await searchRuns({ ...search, max_results: 1000, page_token: pageToken });
    all.push(...(res.runs ?? []));
    pageToken = res.next_page_token;
  } while (pageToken && all.length < limit);
  return all.slice(0, limit);
}
