import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { modelFilter, searchRegisteredModels, type RegisteredModel } from "../api/registry";
import { ErrorMessage } from "../components/ErrorMessage";
import { PagedFooter } from "../components/PagedFooter";
import { formatTime } from "../lib/format";
import { usePagedSearch } from "../lib/usePagedSearch";

export const modelPath = (name: string) => `/models/${encodeURIComponent(name)}`;
export const versionPath = (name: string, version: string) => `${modelPath(name)}/versions/${version}`;

/** The model registry: every registered model (prompts left out), searchable by name or filter. */
export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get("q") ?? "";
  const [draft, setDraft] = useState(query);
  const search = usePagedSearch(async (pageToken?: string) => {
    const res = await searchRegisteredModels(modelFilter(query), pageToken);
    return { items: res.registered_models ?? [], nextPageToken: res.next_page_token };
  }, [query]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setParams(draft.trim() ? { q: draft.trim() } : {});
  };
  const models = search.items;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Models</h1>
      </div>
      <form className="toolbar" onSubmit={apply}>
        <input
          className="filter-input"
          aria-label="Search models"
          placeholder="Search by name, or a filter such as tags.team = 'vision'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {query ? (
          <button type="button" onClick={() => setParams({})}>
            Clear
          </button>
        ) : null}
      </form>
      <ErrorMessage error={search.error ?? search.moreError} />
      <table className="grid" aria-label="Registered models">
        <thead>
          <tr>
            <th>Name</th>
            <th>Latest version</th>
            <th>Aliases</th>
            <th>Tags</th>
            <th>Last modified</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.name}>
              <td>
                <Link to={modelPath(model.name)}>{model.name}</Link>
              </td>
              <td>
                {latest(model) ? <Link to={versionPath(model.name, latest(model)!)}>Version {latest(model)}</Link> : "—"}
              </td>
              <td>
                {(model.aliases ?? []).map((a) => (
                  <span key={a.alias} className="chip alias">
                    @{a.alias} → v{a.version}
                  </span>
                ))}
              </td>
              <td>
                {(model.tags ?? [])
                  .filter((t) => !t.key.startsWith("mlflow."))
                  .map((t) => (
                    <span key={t.key} className="chip">
                      {t.key}={t.value}
                    </span>
                  ))}
              </td>
              <td>{formatTime(model.last_updated_timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagedFooter search={search} empty={query ? "No model matches." : "No registered models yet."} />
    </div>
  );
}

function latest(model: RegisteredModel): string | undefined {
  const versions = (model.latest_versions ?? []).map((v) => Number(v.version)).filter(Number.isFinite);
  return versions.length ? String(Math.max(...versions)) : undefined;
}
