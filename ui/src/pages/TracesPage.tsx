import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { searchTraces, traceFilter } from "../api/traces";
import { ErrorMessage } from "../components/ErrorMessage";
import { PagedFooter } from "../components/PagedFooter";
import { ExperimentHeader } from "../components/ExperimentHeader";
import { formatTime } from "../lib/format";
import { durationMs, formatMs, isoMs } from "../lib/spans";
import { usePagedSearch } from "../lib/usePagedSearch";

const STATES = ["OK", "ERROR", "IN_PROGRESS"] as const;

export const tracePath = (experimentId: string, traceId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/traces/${encodeURIComponent(traceId)}`;

/** Traces of one experiment, newest first, with a search-grammar filter and a status filter. */
export function TracesPage() {
  const { experimentId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = params.get("filter") ?? "";
  const state = params.get("state") ?? "";
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter]);

  const combined = traceFilter(filter, state);
  const search = usePagedSearch(async (pageToken?: string) => {
    const res = await searchTraces({ experimentId, filter: combined, pageToken });
    return { items: res.traces ?? [], nextPageToken: res.next_page_token };
  }, [experimentId, combined]);

  const update = (next: { filter?: string; state?: string }) => {
    const values = { filter, state, ...next };
    const out = new URLSearchParams();
    if (values.filter) out.set("filter", values.filter);
    if (values.state) out.set("state", values.state);
    setParams(out);
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    update({ filter: draft.trim() });
  };
  const traces = search.items;

  return (
    <div className="page traces-page">
      <ExperimentHeader experimentId={experimentId} />
      <form className="toolbar" onSubmit={apply}>
        <input
          className="filter-input mono"
          aria-label="Filter traces"
          placeholder="name = 'agent' AND execution_time_ms > 100"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {filter ? (
          <button type="button" onClick={() => update({ filter: "" })}>
            Clear
          </button>
        ) : null}
        <select aria-label="Trace status" value={state} onChange={(e) => update({ state: e.target.value })}>
          <option value="">Any status</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase().replace("_", " ")}
            </option>
          ))}
        </select>
      </form>
      {search.error ? (
        <div className="error filter-error" role="alert">
          <ErrorText error={search.error} />
        </div>
      ) : null}
      <ErrorMessage error={search.moreError} />
      <p className="muted" data-testid="trace-count">
        {traces.length}
        {search.hasMore ? "+" : ""} traces
      </p>
      <div className="table-scroll">
        <table className="grid traces-table" aria-label="Traces">
          <thead>
            <tr>
              <th>Trace</th>
              <th>Name</th>
              <th>Request</th>
              <th>Response</th>
              <th>Status</th>
              <th>Started</th>
              <th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {traces.map((t) => (
              <tr key={t.trace_id}>
                <td>
                  <Link className="mono" to={tracePath(experimentId, t.trace_id)}>
                    {t.trace_id.slice(0, 14)}
                  </Link>
                </td>
                <td>{t.tags?.["mlflow.traceName"] ?? ""}</td>
                <td className="preview mono" title={t.request_preview}>
                  {t.request_preview}
                </td>
                <td className="preview mono" title={t.response_preview}>
                  {t.response_preview}
                </td>
                <td>
                  <TraceState state={t.state} />
                </td>
                <td>{formatTime(isoMs(t.request_time))}</td>
                <td className="num">{formatMs(durationMs(t.execution_duration))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter search={search} empty={combined ? "No trace matches." : "No traces in this experiment."} />
    </div>
  );
}

function ErrorText({ error }: { error: unknown }) {
  return <>{error instanceof Error ? error.message : String(error)}</>;
}

export function TraceState({ state }: { state: string | undefined }) {
  const css = state === "OK" ? "finished" : state === "ERROR" ? "failed" : "running";
  return <span className={`status status-${css}`}>{(state ?? "unknown").replace("_", " ")}</span>;
}
