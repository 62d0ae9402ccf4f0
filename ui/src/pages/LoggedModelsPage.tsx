import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { loggedModelStatus, searchLoggedModels, type LoggedModel } from "../api/registry";
import { ErrorMessage } from "../components/ErrorMessage";
import { ExperimentHeader } from "../components/ExperimentHeader";
import { formatNumber, formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";

/** Models logged in one experiment (logged-models/search), newest first. */
export function LoggedModelsPage() {
  const { experimentId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = params.get("filter") ?? "";
  const [draft, setDraft] = useState(filter);
  const [more, setMore] = useState<LoggedModel[]>([]);
  const [token, setToken] = useState<string | undefined>(undefined);
  const first = useAsync(async () => {
    const res = await searchLoggedModels(experimentId, filter);
    setMore([]);
    setToken(res.next_page_token);
    return res.models ?? [];
  }, [experimentId, filter]);
  const [moreError, setMoreError] = useState<unknown>(undefined);

  const loadMore = async () => {
    if (!token) return;
    try {
      const res = await searchLoggedModels(experimentId, filter, token);
      setMore((list) => [...list, ...(res.models ?? [])]);
      setToken(res.next_page_token);
    } catch (exc) {
      setMoreError(exc);
    }
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setParams(draft.trim() ? { filter: draft.trim() } : {});
  };
  const models = [...(first.data ?? []), ...more];

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
      <ErrorMessage error={first.error ?? moreError} />
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
      {first.loading ? <p className="muted">Loading…</p> : null}
      {!first.loading && !first.error && models.length === 0 ? (
        <p className="empty muted">No logged models in this experiment.</p>
      ) : null}
      {token ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
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
