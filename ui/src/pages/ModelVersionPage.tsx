import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import {
  STAGES,
  deleteVersionTag,
  getModelVersion,
  setVersionTag,
  transitionStage,
  updateModelVersion,
  type Stage,
} from "../api/registry";
import { ErrorMessage } from "../components/ErrorMessage";
import { NoteEditor } from "../components/NoteEditor";
import { TagEditor } from "../components/TagEditor";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";
import { modelPath } from "./ModelsPage";

/** One model version: its source run and artifact location, stage, aliases, tags, description. */
export function ModelVersionPage() {
  const { name = "", version = "" } = useParams();
  const mv = useAsync(() => getModelVersion(name, version), [name, version]);
  const [stageError, setStageError] = useState<unknown>(undefined);
  const [changing, setChanging] = useState(false);
  const data = mv.data;

  const changeStage = async (stage: Stage) => {
    setStageError(undefined);
    setChanging(true);
    try {
      mv.setData(await transitionStage(name, version, stage));
    } catch (exc) {
      setStageError(exc);
    } finally {
      setChanging(false);
    }
  };

  return (
    <div className="page version-page">
      <div className="crumbs">
        <Link to="/models">Models</Link> / <Link to={modelPath(name)}>{name}</Link> /
      </div>
      <div className="page-head">
        <h1>
          {name} version {version}
        </h1>
        {data?.status ? <span className="badge">{data.status.toLowerCase()}</span> : null}
      </div>
      <ErrorMessage error={mv.error} title="Cannot load the model version" />
      {data ? (
        <>
          <dl className="facts">
            <dt>Registered</dt>
            <dd>{formatTime(data.creation_timestamp)}</dd>
            <dt>Last modified</dt>
            <dd>{formatTime(data.last_updated_timestamp)}</dd>
            <dt>Source run</dt>
            <dd>{data.run_id ? <Link className="mono" to={`/runs/${data.run_id}`}>{data.run_id}</Link> : "—"}</dd>
            <dt>Source</dt>
            <dd className="mono" data-testid="version-source">
              {data.source}
            </dd>
            {data.model_id ? (
              <>
                <dt>Logged model</dt>
                <dd className="mono">{data.model_id}</dd>
              </>
            ) : null}
            <dt>Aliases</dt>
            <dd>
              {(data.aliases ?? []).length
                ? (data.aliases ?? []).map((a) => (
                    <span key={a} className="chip alias">
                      @{a}
                    </span>
                  ))
                : "—"}
            </dd>
            <dt>Stage</dt>
            <dd>
              <select aria-label="Stage" disabled={changing} value={data.current_stage ?? "None"} onChange={(e) => void changeStage(e.target.value as Stage)}>
                {STAGES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </dd>
          </dl>
          <ErrorMessage error={stageError} />
          <section>
            <h2>Description</h2>
            <NoteEditor note={data.description ?? ""} onSave={(text) => updateModelVersion(name, version, text)} onSaved={mv.reload} />
          </section>
          <section>
            <h2>Tags</h2>
            <TagEditor
              tags={data.tags ?? []}
              onSet={(key, value) => setVersionTag(name, version, key, value)}
              onDelete={(key) => deleteVersionTag(name, version, key)}
              onChanged={mv.reload}
            />
          </section>
        </>
      ) : null}
    </div>
  );
}
