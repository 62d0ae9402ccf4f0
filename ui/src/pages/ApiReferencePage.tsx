import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { openApiDocument, openApiUrl } from "../api/openapi";
import { ErrorMessage } from "../components/ErrorMessage";
import { filterGroups, groupOperations, type FieldRow, type OperationEntry } from "../lib/apiReference";
import { useAsync } from "../lib/useAsync";

/** The REST API reference, read from the server's own OpenAPI description. */
export function ApiReferencePage() {
  const doc = useAsync(openApiDocument, []);
  const [params, setParams] = useSearchParams();
  // The inputs answer at once from local state; the URL follows, so a filtered view can be shared.
  const [query, setQuery] = useState(params.get("q") ?? "");
  const [withMirror, setWithMirror] = useState(params.get("mirror") === "1");
  useEffect(() => {
    const next: Record<string, string> = {};
    if (query) next["q"] = query;
    if (withMirror) next["mirror"] = "1";
    const wanted = new URLSearchParams(next);
    if (wanted.toString() !== params.toString()) setParams(wanted, { replace: true });
  }, [query, withMirror, params, setParams]);
  const groups = useMemo(() => (doc.data ? groupOperations(doc.data) : []), [doc.data]);
  const shown = useMemo(() => filterGroups(groups, query, withMirror), [groups, query, withMirror]);
  const count = shown.reduce((n, g) => n + g.operations.length, 0);

  return (
    <div className="page">
      <div className="page-head">
        <h1>API reference</h1>
        {doc.data ? <span className="muted">version {doc.data.info.version}</span> : null}
        <a href={openApiUrl()} target="_blank" rel="noreferrer">
          openapi.json
        </a>
      </div>
      <p className="muted api-intro">
        Every route the server answers, from its OpenAPI 3.1 description. GET requests take their fields in the
        query string; other methods take a JSON body. Field names are shown in snake_case; lowerCamelCase works too.
      </p>
      <div className="toolbar">
        <input
          className="filter-input"
          aria-label="Filter operations"
          placeholder="Filter by path, name or field, e.g. runs search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={withMirror} onChange={(e) => setWithMirror(e.target.checked)} />
          Include the /ajax-api mirror
        </label>
        {doc.data ? <span className="muted">{count === 1 ? "1 operation" : `${count} operations`}</span> : null}
      </div>
      <ErrorMessage error={doc.error} title="Cannot load the API description" />
      {doc.loading ? <p className="muted">Loading…</p> : null}
      {doc.data && count === 0 ? <p className="empty muted">No operation matches.</p> : null}
      {shown.map((group) => (
        <section key={group.tag} aria-label={group.tag}>
          <h2>
            {group.tag} <span className="badge">{group.operations.length}</span>
          </h2>
          {group.description ? <p className="muted">{group.description}</p> : null}
          {group.operations.map((op) => (
            <OperationView key={op.id} op={op} />
          ))}
        </section>
      ))}
    </div>
  );
}

function OperationView({ op }: { op: OperationEntry }) {
  return (
    <details className="api-op" id={op.id}>
      <summary>
        <span className={`method method-${op.method.toLowerCase()}`}>{op.method}</span>
        <code>{op.path}</code>
        <span className="muted">{op.summary}</span>
      </summary>
      <div className="api-op-body">
        <p className="muted">
          Operation <code>{op.id}</code>
          {op.answers.length ? (
            <>
              {" · answers "}
              <code>{op.answers.join(", ")}</code>
            </>
          ) : null}
        </p>
        {op.parameters.length ? <FieldTable title="Parameters" rows={op.parameters} /> : null}
        {op.bodyMedia.length ? (
          <p>
            Request body{op.bodyRequired ? "" : " (optional)"}: <code>{op.bodyMedia.join(", ")}</code>
          </p>
        ) : null}
        {op.fields.length ? <FieldTable title="Body fields" rows={op.fields} /> : null}
        {!op.parameters.length && !op.bodyMedia.length ? <p className="muted">No parameters.</p> : null}
      </div>
    </details>
  );
}

function FieldTable({ title, rows }: { title: string; rows: FieldRow[] }) {
  return (
    <table className="grid api-fields" aria-label={title}>
      <thead>
        <tr>
          <th>{title === "Parameters" ? "Parameter" : "Field"}</th>
          <th>In</th>
          <th>Type</th>
          <th>Required</th>
          <th>Notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.where}:${row.name}`}>
            <td>
              <code>{row.name}</code>
            </td>
            <td>{row.where}</td>
            <td>
              <code>{row.type}</code>
            </td>
            <td>{row.required ? "yes" : ""}</td>
            <td className="muted">{row.note ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
