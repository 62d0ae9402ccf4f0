import { Link, useParams } from "react-router-dom";
import {
  deleteAlias,
  deleteModelTag,
  getRegisteredModel,
  searchModelVersions,
  setAlias,
  setModelTag,
  updateRegisteredModel,
} from "../api/registry";
import { AliasEditor } from "../components/AliasEditor";
import { ErrorMessage } from "../components/ErrorMessage";
import { NoteEditor } from "../components/NoteEditor";
import { TagEditor } from "../components/TagEditor";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";
import { versionPath } from "./ModelsPage";

/** One registered model: description, aliases, tags and every version. */
export function ModelPage() {
  const { name = "" } = useParams();
  const model = useAsync(() => getRegisteredModel(name), [name]);
  const versions = useAsync(() => searchModelVersions(name), [name]);
  const reload = () => {
    model.reload();
    versions.reload();
  };
  const data = model.data;

  return (
    <div className="page model-page">
      <div className="crumbs">
        <Link to="/models">Models</Link> /
      </div>
      <div className="page-head">
        <h1>{name}</h1>
      </div>
      <ErrorMessage error={model.error} title="Cannot load the model" />
      {data ? (
        <>
          <dl className="facts">
            <dt>Created</dt>
            <dd>{formatTime(data.creation_timestamp)}</dd>
            <dt>Last modified</dt>
            <dd>{formatTime(data.last_updated_timestamp)}</dd>
            {data.user_id ? (
              <>
                <dt>User</dt>
                <dd>{data.user_id}</dd>
              </>
            ) : null}
          </dl>
          <section>
            <h2>Description</h2>
            <NoteEditor note={data.description ?? ""} onSave={(text) => updateRegisteredModel(name, text)} onSaved={reload} />
          </section>
          <section>
            <h2>Aliases</h2>
            <AliasEditor
              aliases={data.aliases ?? []}
              versions={(versions.data ?? []).map((v) => v.version)}
              onSet={(alias, version) => setAlias(name, alias, version)}
              onDelete={(alias) => deleteAlias(name, alias)}
              onChanged={reload}
            />
          </section>
          <section>
            <h2>Tags</h2>
            <TagEditor
              tags={data.tags ?? []}
              onSet={(key, value) => setModelTag(name, key, value)}
              onDelete={(key) => deleteModelTag(name, key)}
              onChanged={model.reload}
            />
          </section>
        </>
      ) : null}
      <section>
        <h2>Versions ({versions.data?.length ?? 0})</h2>
        <ErrorMessage error={versions.error} />
        <table className="grid" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Registered</th>
              <th>Stage</th>
              <th>Aliases</th>
              <th>Status</th>
              <th>Source run</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {(versions.data ?? []).map((v) => (
              <tr key={v.version}>
                <td>
                  <Link to={versionPath(name, v.version)}>Version {v.version}</Link>
                </td>
                <td>{formatTime(v.creation_timestamp)}</td>
                <td>{v.current_stage ?? "None"}</td>
                <td>
                  {(v.aliases ?? []).map((a) => (
                    <span key={a} className="chip alias">
                      @{a}
                    </span>
                  ))}
                </td>
                <td>{v.status?.toLowerCase()}</td>
                <td>{v.run_id ? <Link className="mono" to={`/runs/${v.run_id}`}>{v.run_id.slice(0, 12)}</Link> : null}</td>
                <td>{v.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}


