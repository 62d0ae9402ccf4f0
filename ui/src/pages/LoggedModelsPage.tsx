import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { loggedModelStatus, searchLoggedModels, type LoggedModel } from "../api/registry";
import { ErrorMessage } from "../components/ErrorMessage";
import { PagedFooter } from "../components/PagedFooter";
import { ExperimentHeader } from "../components/ExperimentHeader";
import { formatNumber, formatTime } from "../lib/format";
import { usePagedSearch } from "../lib/usePagedSearch";

/** Models logged in one experiment (logged-models/search), newest first. */
export function LoggedModelsPage() {
  const { experimentId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = params.get("filter") ?? "";
  const [draft, setDraft] = useState(filter);
  const search = usePagedSearch(async (pageToken?: string) => {
    const res = await searchLoggedModels(experimentId, filter, pageToken);
    return { items: res.models ?? [], nextPageToken: res.next_page_token };
  }, [experimentId, filter]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setParams(draft.trim() ? { filter: draft.trim() } : {});
  };
  const models = search.items;

  return (
    <div className="page">
      <ExperimentHeader experimentId={experimentId} />
      <form className="toolbar" onSubmit={apply}>
        <input
          className="filter-input mono"
          aria-label="Filter logged models"
          placeholder="name LIKE '%clf%' AND metrics.acc > 0.9"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={search.error ?? search.moreError} />
      <table className="grid" aria-label="Logged models">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Model ID</th>
            <th>Source run</th>
            <th>Type</th>
            <th>Created</th>
            <th>Params</th>
            <th>Metrics</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <LoggedModelRow key={model.info.model_id} model={model} />
          ))}
        </tbody>
      </table>
      <PagedFooter search={search} empty="No logged models in this experiment." />
    </div>
  );
}

function LoggedModelRow({ model }: { model: LoggedModel }) {
  const { info } = model;
  const status = loggedModelStatus(info.status);
  const metrics = model.data?.metrics ?? [];
  return (
    <tr>
      <td>{info.name}</td>
      <td>
        <span className={`status status-${status === "ready" ? "finished" : status === "pending" ? "running" : "failed"}`}>
          {status || "unknown"}
        </span>
      </td>
      <td className="mono">{info.model_id}</td>
      <td>
        {info.source_run_id ? (
          <Link className="mono" to={`/experiments/${info.experiment_id}/runs/${info.source_run_id}`}>
            {info.source_run_id.slice(0, 12)}
          </Link>
        ) : null}
      </td>
      <td>{info.model_type}</td>
      <td>{formatTime(info.creation_timestamp_ms)}</td>
      <td>
        {(model.data?.params ?? []).map((p) => (
          <span key={p.key} className="chip">
            {p.key}={p.value}
          </span>
        ))}
      </td>
      <td>
        {metrics.map((m) => (
          <span key={`${m.key}-${m.step}`} className="chip">
            {m.key}={formatNumber(m.value)}
          </span>
        ))}
      </td>
    </tr>
  );
}
