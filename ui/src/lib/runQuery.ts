// What the runs table shows, kept in the URL so every view is a deep link.
import type { RunStatus, ViewType } from "../api/types";
import { orderByClause, parseColumn } from "./columns";

export interface RunQuery {
  filter: string;
  /** Column id to sort by, e.g. `metrics.acc`; empty for the server's default order. */
  sort: string;
  desc: boolean;
  status: RunStatus | "";
  view: ViewType;
  /** Column ids shown besides the fixed ones; null means "pick from the data". */
  columns: string[] | null;
  selected: string[];
}

export const DEFAULT_QUERY: RunQuery = {
  filter: "",
  sort: "",
  desc: true,
  status: "",
  view: "ACTIVE_ONLY",
  columns: null,
  selected: [],
};

const STATUSES: readonly string[] = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];
const VIEWS: readonly string[] = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"];

const splitList = (text: string | null): string[] =>
  text ? text.split(",").filter((item) => item.length > 0) : [];

export function parseRunQuery(params: URLSearchParams): RunQuery {
  const status = params.get("status") ?? "";
  const view = params.get("view") ?? "";
  return {
    filter: params.get("filter") ?? "",
    sort: params.get("sort") ?? "",
    desc: params.get("dir") !== "asc",
    status: STATUSES.includes(status) ? (status as RunStatus) : "",
    view: VIEWS.includes(view) ? (view as ViewType) : "ACTIVE_ONLY",
    columns: params.has("cols") ? splitList(params.get("cols")) : null,
    selected: splitList(params.get("sel")),
  };
}

/** URL parameters for `query`, leaving out every value that is the default. */
export function runQueryParams(query: RunQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.filter) params.set("filter", query.filter);
  if (query.sort) {
    params.set("sort", query.sort);
    params.set("dir", query.desc ? "desc" : "asc");
  }
  if (query.status) params.set("status", query.status);
  if (query.view !== "ACTIVE_ONLY") params.set("view", query.view);
  if (query.columns !== null) params.set("cols", query.columns.join(","));
  if (query.selected.length) params.set("sel", query.selected.join(","));
  return params;
}

/** The `filter` sent to runs/search: the user's filter, narrowed by the status choice. */
export function serverFilter(query: RunQuery): string {
  const user = query.filter.trim();
  if (!query.status) return user;
  const status = `attributes.status = '${query.status}'`;
  // Parentheses keep an OR in the user's filter from swallowing the status condition.
  return user ? `(${user}) AND ${status}` : status;
}

export function serverOrderBy(query: RunQuery): string[] {
  const column = query.sort ? parseColumn(query.sort) : null;
  return column ? [orderByClause(column, query.desc)] : [];
}

/** Clicking a header: a new column sorts descending, the same column flips direction. */
export function toggleSort(query: RunQuery, columnId: string): RunQuery {
  if (query.sort === columnId) return { ...query, desc: !query.desc };
  return { ...query, sort: columnId, desc: true };
}
