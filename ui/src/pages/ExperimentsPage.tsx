import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import {
  createExperiment,
  deleteExperiment,
  renameExperiment,
  restoreExperiment,
  searchExperiments,
} from "../api/tracking";
import type { Experiment, ViewType } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { experimentFilter } from "../lib/experimentQuery";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";

const PAGE_SIZE = 500;

const VIEW_LABELS: Record<ViewType, string> = {
  ACTIVE_ONLY: "Active",
  DELETED_ONLY: "Deleted",
  ALL: "All",
};

export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const view = (params.get("view") as ViewType | null) ?? "ACTIVE_ONLY";
  const [draft, setDraft] = useState(q);
  const [actionError, setActionError] = useState<unknown>(undefined);

  const search = {
    filter: experimentFilter(q) || undefined,
    view_type: view,
    order_by: ["last_update_time DESC"],
    max_results: PAGE_SIZE,
  };
  const experiments = useAsync(() => searchExperiments(search), [q, view]);
  // Pages after the first, loaded on demand; a new search starts over.
  const [more, setMore] = useState<{ items: Experiment[]; token?: string } | null>(null);
  useEffect(() => setMore(null), [experiments.data]);
  const nextToken = more ? more.token : experiments.data?.next_page_token;
  const loadMore = async () => {
    try {
      const res = await searchExperiments({ ...search, page_token: nextToken });
      setMore({ items: [...(more?.items ?? []), ...(res.experiments ?? [])], token: res.next_page_token });
    } catch (exc) {
      setActionError(exc);
    }
  };

  const update = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    setParams(merged);
  };

  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      experiments.reload();
    } catch (exc) {
      setActionError(exc);
    }
  };

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    update({ q: draft.trim() });
  };

  const list = [...(experiments.data?.experiments ?? []), ...(more?.items ?? [])];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Experiments</h1>
        <CreateExperiment onCreated={experiments.reload} />
      </div>
      <form className="toolbar" onSubmit={onSearch}>
        <input
          className="filter-input"
          aria-label="Search experiments"
          placeholder="Search by name, or a filter such as tags.team = 'vision'"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        <select
          aria-label="Lifecycle"
          value={view}
          onChange={(e) => update({ view: e.target.value === "ACTIVE_ONLY" ? "" : e.target.value })}
        >
          {Object.entries(VIEW_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </form>
      <ErrorMessage error={experiments.error} />
      <ErrorMessage error={actionError} />
      {experiments.loading && !experiments.data ? <p className="muted">Loading…</p> : null}
      <table className="grid experiments">
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Created</th>
            <th>Last update</th>
            <th>Tags</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.map((experiment) => (
            <ExperimentRow key={experiment.experiment_id} experiment={experiment} act={act} />
          ))}
        </tbody>
      </table>
      {experiments.data && list.length === 0 ? <p className="muted">No experiments match.</p> : null}
      {nextToken ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </div>
  );
}

function ExperimentRow({
  experiment,
  act,
}: {
  experiment: Experiment;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(experiment.name);
  const deleted = experiment.lifecycle_stage === "deleted";
  const userTags = (experiment.tags ?? []).filter((tag) => !tag.key.startsWith("mlflow."));

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    void act(() => renameExperiment(experiment.experiment_id, name.trim())).then(() =>
      setRenaming(false),
    );
  };

  return (
    <tr className={deleted ? "deleted" : undefined} data-experiment-id={experiment.experiment_id}>
      <td>
        {renaming ? (
          <form className="inline-form" onSubmit={submitRename}>
            <input aria-label="New name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <Link to={`/experiments/${experiment.experiment_id}`}>{experiment.name}</Link>
        )}
        {deleted ? <span className="badge">deleted</span> : null}
      </td>
      <td className="mono">{experiment.experiment_id}</td>
      <td>{formatTime(experiment.creation_time)}</td>
      <td>{formatTime(experiment.last_update_time)}</td>
      <td>
        {userTags.map((tag) => (
          <span key={tag.key} className="chip">
            {tag.key}={tag.value}
          </span>
        ))}
      </td>
      <td className="actions">
        {deleted ? (
          <button type="button" onClick={() => void act(() => restoreExperiment(experiment.experiment_id))}>
            Restore
          </button>
        ) : (
          <>
            <button type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (window.confirm(`Delete experiment "${experiment.name}"? It can be restored.`)) {
                  void act(() => deleteExperiment(experiment.experiment_id));
                }
              }}
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function CreateExperiment({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await createExperiment(name.trim());
      setName("");
      setOpen(false);
      onCreated();
    } catch (exc) {
      setError(exc);
    }
  };

  if (!open) {
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        New experiment
      </button>
    );
  }
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      <input
        aria-label="Experiment name"
        placeholder="Experiment name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        autoFocus
      />
      <button type="submit" className="primary">
        Create
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}
