import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { promptFilter } from "../api/prompts";
import { searchRegisteredModels, type ModelVersion, type RegisteredModel } from "../api/registry";
import { ErrorMessage } from "../components/ErrorMessage";
import { PagedFooter } from "../components/PagedFooter";
import { formatTime } from "../lib/format";
import { usePagedSearch } from "../lib/usePagedSearch";

export const promptPath = (name: string) => `/prompts/${encodeURIComponent(name)}`;

/** Every prompt, searchable by name or filter, with its latest version and aliases. */
export function PromptsPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get("q") ?? "";
  const [draft, setDraft] = useState(query);
  const search = usePagedSearch(async (pageToken?: string) => {
    const res = await searchRegisteredModels(promptFilter(query), pageToken);
    return { items: res.registered_models ?? [], nextPageToken: res.next_page_token };
  }, [query]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setParams(draft.trim() ? { q: draft.trim() } : {});
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Prompts</h1>
      </div>
      <form className="toolbar" onSubmit={apply}>
        <input
          className="filter-input"
          aria-label="Search prompts"
          placeholder="Search by name, or a filter such as tags.team = 'support'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {query ? (
          <button
            type="button"
            onClick={() => {
              setDraft("");
              setParams({});
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      <ErrorMessage error={search.error ?? search.moreError} />
      <table className="grid" aria-label="Prompts">
        <thead>
          <tr>
            <th>Name</th>
            <th>Latest version</th>
            <th>Aliases</th>
            <th>Last updated</th>
            <th>Commit message</th>
          </tr>
        </thead>
        <tbody>
          {search.items.map((prompt) => {
            const newest = latest(prompt);
            return (
              <tr key={prompt.name}>
                <td>
                  <Link to={promptPath(prompt.name)}>{prompt.name}</Link>
                </td>
                <td>
                  {newest ? <Link to={`${promptPath(prompt.name)}?v=${newest.version}`}>Version {newest.version}</Link> : "—"}
                </td>
                <td>
                  {(prompt.aliases ?? []).map((a) => (
                    <span key={a.alias} className="chip alias">
                      @{a.alias} → v{a.version}
                    </span>
                  ))}
                </td>
                <td>{formatTime(prompt.last_updated_timestamp)}</td>
                <td className="wrap">{newest?.description || prompt.description}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <PagedFooter search={search} empty={query ? "No prompt matches." : "No prompts yet."} />
    </div>
  );
}

function latest(prompt: RegisteredModel): ModelVersion | undefined {
  let best: ModelVersion | undefined;
  for (const v of prompt.latest_versions ?? []) {
    if (!best || Number(v.version) > Number(best.version)) best = v;
  }
  return best;
}
