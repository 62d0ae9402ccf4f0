import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { describeError } from "../api/client";
import {
  deleteExperimentTag,
  deleteRun,
  getExperiment,
  restoreRun,
  setExperimentTag,
  type RunSearch,
} from "../api/tracking";
import type { RunStatus, ViewType } from "../api/types";
import { ColumnPicker } from "../components/ColumnPicker";
import { ErrorMessage } from "../components/ErrorMessage";
import { ExperimentTabs } from "../components/ExperimentTabs";
import { FilterBox } from "../components/FilterBox";
import { RunsTable } from "../components/RunsTable";
import { TagEditor } from "../components/TagEditor";
import { discoverKeys } from "../lib/columns";
import { runsToCsv } from "../lib/csv";
import { download } from "../lib/download";
import { runVocabulary } from "../lib/filterSuggest";
import {
  parseRunQuery,
  runQueryParams,
  serverFilter,
  serverOrderBy,
  toggleSort,
  type RunQuery,
} from "../lib/runQuery";
import { useAsync } from "../lib/useAsync";
import { fetchAllRuns, useRunPages } from "../lib/useRunPages";

const DEFAULT_METRIC_COLUMNS = 6;
const DEFAULT_PARAM_COLUMNS = 4;
const EXPORT_ATTRIBUTES = [
  "attributes.run_name",
  "attributes.status",
  "attributes.start_time",
  "attributes.end_time",
  "attributes.user_id",
];

export function ExperimentPage() {
  const { experimentId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const query = useMemo(() => parseRunQuery(params), [params]);
  const [draft, setDraft] = useState(query.filter);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [showTags, setShowTags] = useState(false);

  useEffect(() => setDraft(query.filter), [query.filter]);

  // The router renders URL changes in a transition, so checkboxes driven by the URL alone lag
  // behind quick clicks; the selection answers from local state and is written to the URL.
  const [selected, setSelected] = useState(query.selected);
  const pushed = useRef<Set<string>>(new Set());
  const latestPushed = useRef<string | null>(null);
  const urlSelected = query.selected.join(",");
  useEffect(() => {
    if (urlSelected === latestPushed.current) {
      pushed.current.clear();
      latestPushed.current = null;
    } else if (!pushed.current.has(urlSelected)) {
      setSelected(urlSelected ? urlSelected.split(",") : []);
    }
  }, [urlSelected]);
  const select = (next: string[]) => {
    const key = next.join(",");
    pushed.current.add(key);
    latestPushed.current = key;
    setSelected(next);
    setQuery({ ...query, selected: next }, true);
  };

  const experiment = useAsync(() => getExperiment(experimentId), [experimentId]);
  const search: RunSearch = useMemo(
    () => ({
      experiment_ids: [experimentId],
      filter: serverFilter(query) || undefined,
      run_view_type: query.view,
      order_by: serverOrderBy(query),
    }),
    [experimentId, query],
  );
  const pages = useRunPages(search, true);

  // Keys seen in any load of this experiment, so columns stay put while a filter narrows the rows.
  const [keys, setKeys] = useState(() => discoverKeys([]));
  useEffect(() => setKeys(discoverKeys([])), [experimentId]);
  useEffect(() => {
    const fresh = discoverKeys(pages.runs);
    setKeys((known) => mergeKeys(known, fresh));
  }, [pages.runs]);
  // What the filter box suggests: the keys seen so far, the values the loaded runs hold.
  const vocabulary = useMemo(() => runVocabulary(pages.runs, keys), [pages.runs, keys]);
  const columns =
    query.columns ??
    [
      ...keys.metrics.slice(0, DEFAULT_METRIC_COLUMNS).map((k) => `metrics.${k}`),
      ...keys.params.slice(0, DEFAULT_PARAM_COLUMNS).map((k) => `params.${k}`),
    ];

  const setQuery = useCallback(
    (next: RunQuery, replace = false) => setParams(runQueryParams(next), { replace }),
    [setParams],
  );

  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ ...query, filter: draft.trim() });
  };

  const bulk = async (action: (runId: string) => Promise<unknown>) => {
    setActionError(undefined);
    setBusy(true);
    try {
      for (const runId of selected) await action(runId);
      select([]);
      pages.reload();
    } catch (exc) {
      setActionError(exc);
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = async () => {
    setActionError(undefined);
    setBusy(true);
    try {
      const runs = await fetchAllRuns(search);
      download(`runs-${experimentId}.csv`, runsToCsv(runs, [...EXPORT_ATTRIBUTES, ...columns]), "text/csv");
    } catch (exc) {
      setActionError(exc);
    } finally {
      setBusy(false);
    }
  };

  const onNeedMore = pages.loadMore;
  const exp = experiment.data;
  const deletedView = query.view === "DELETED_ONLY";

  return (
    <div className="page runs-page">
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> /
      </div>
      <ErrorMessage error={experiment.error} />
      <div className="page-head">
        <h1>{exp ? exp.name : experiment.error ? `Experiment ${experimentId}` : "…"}</h1>
        {exp?.lifecycle_stage === "deleted" ? <span className="badge">deleted</span> : null}
        <span className="muted mono">ID {experimentId}</span>
        <button type="button" className="link" onClick={() => setShowTags(!showTags)}>
          {showTags ? "Hide tags" : `Tags (${(exp?.tags ?? []).filter((t) => !t.key.startsWith("mlflow.")).length})`}
        </button>
      </div>
      {showTags && exp ? (
        <TagEditor
          tags={(exp.tags ?? []).filter((t) => !t.key.startsWith("mlflow."))}
          onSet={(key, value) => setExperimentTag(experimentId, key, value)}
          onDelete={(key) => deleteExperimentTag(experimentId, key)}
          onChanged={experiment.reload}
        />
      ) : null}
      <ExperimentTabs experimentId={experimentId} />

      <form className="toolbar" onSubmit={applyFilter}>
        <FilterBox
          label="Filter runs"
          placeholder="metrics.acc > 0.9 AND params.lr = '0.01'"
          value={draft}
          onChange={setDraft}
          vocabulary={vocabulary}
        />
        <button type="submit">Search</button>
        {query.filter ? (
          <button type="button" onClick={() => setQuery({ ...query, filter: "" })}>
            Clear
          </button>
        ) : null}
        <select
          aria-label="Status"
          value={query.status}
          onChange={(e) => setQuery({ ...query, status: e.target.value as RunStatus | "" })}
        >
          <option value="">Any status</option>
          {["RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED"].map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        <select
          aria-label="Lifecycle"
          value={query.view}
          onChange={(e) => {
            setSelected([]);
            setQuery({ ...query, view: e.target.value as ViewType, selected: [] });
          }}
        >
          <option value="ACTIVE_ONLY">Active runs</option>
          <option value="DELETED_ONLY">Deleted runs</option>
          <option value="ALL">All runs</option>
        </select>
        <ColumnPicker available={keys} chosen={columns} onChange={(cols) => setQuery({ ...query, columns: cols })} />
      </form>
      {pages.error ? (
        <div className="error filter-error" role="alert" data-testid="filter-error">
          {describeError(pages.error)}
        </div>
      ) : null}

      <div className="toolbar selection-bar">
        <span className="muted" data-testid="run-count">
          {pages.runs.length}
          {pages.hasMore ? "+" : ""} runs{selected.length ? `, ${selected.length} selected` : ""}
        </span>
        <button
          type="button"
          className="primary"
          disabled={selected.length < 1}
          onClick={() =>
            navigate(`/compare?exp=${encodeURIComponent(experimentId)}&runs=${selected.join(",")}`)
          }
        >
          Compare{selected.length ? ` (${selected.length})` : ""}
        </button>
        {deletedView || query.view === "ALL" ? (
          <button type="button" disabled={busy || !selected.length} onClick={() => void bulk(restoreRun)}>
            Restore
          </button>
        ) : null}
        {!deletedView ? (
          <button
            type="button"
            className="danger"
            disabled={busy || !selected.length}
            onClick={() => {
              if (window.confirm(`Delete ${selected.length} run(s)? They can be restored.`)) {
                void bulk(deleteRun);
              }
            }}
          >
            Delete
          </button>
        ) : null}
        <button type="button" disabled={busy} onClick={() => void exportCsv()}>
          Export CSV
        </button>
        {pages.loading ? <span className="muted">Loading…</span> : null}
      </div>
      <ErrorMessage error={actionError} />

      <RunsTable
        runs={pages.runs}
        columns={columns}
        sort={query.sort}
        desc={query.desc}
        selected={selected}
        hasMore={pages.hasMore}
        loading={pages.loading}
        failed={Boolean(pages.error)}
        onSort={(id) => setQuery(toggleSort(query, id))}
        onSelect={select}
        onNeedMore={onNeedMore}
      />
    </div>
  );
}

type Keys = ReturnType<typeof discoverKeys>;

function mergeKeys(known: Keys, fresh: Keys): Keys {
  const merge = (a: string[], b: string[]) => {
    const missing = b.filter((key) => !a.includes(key));
    return missing.length ? [...a, ...missing].sort((x, y) => x.localeCompare(y)) : a;
  };
  const next = {
    metrics: merge(known.metrics, fresh.metrics),
    params: merge(known.params, fresh.params),
    tags: merge(known.tags, fresh.tags),
  };
  const same = next.metrics === known.metrics && next.params === known.params && next.tags === known.tags;
  return same ? known : next;
}

