import { Link, useParams, useSearchParams } from "react-router-dom";
import { isPrompt, searchPromptVersions, templateLines, type PromptVersion } from "../api/prompts";
import { deleteAlias, getRegisteredModel, setAlias } from "../api/registry";
import { AliasEditor } from "../components/AliasEditor";
import { ErrorMessage } from "../components/ErrorMessage";
import { NewPromptVersion } from "../components/NewPromptVersion";
import { PromptTemplate } from "../components/PromptTemplate";
import { TemplateDiff } from "../components/TemplateDiff";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";

type Mode = "view" | "compare" | "new";

/**
 * One prompt: its versions, the chosen version's template and variables, a diff of two versions,
 * aliases, and a form for a new version. `?v=` picks the version, `?mode=compare&a=&b=` the diff.
 */
export function PromptPage() {
  const { name = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const prompt = useAsync(() => getRegisteredModel(name), [name]);
  const versions = useAsync(() => searchPromptVersions(name), [name]);
  const list = versions.data ?? [];
  const find = (v: string | null) => list.find((item) => item.version === v);
  const selected = find(params.get("v")) ?? list[0];
  const mode: Mode = params.get("mode") === "compare" ? "compare" : params.get("mode") === "new" ? "new" : "view";
  // Compare defaults: the version before the selected one against it.
  const after = find(params.get("b")) ?? selected;
  const before = find(params.get("a")) ?? list[after ? list.indexOf(after) + 1 : 1] ?? after;

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  const reload = () => {
    prompt.reload();
    versions.reload();
  };
  const created = (version: PromptVersion) => {
    update({ mode: undefined, v: version.version, a: undefined, b: undefined });
    reload();
  };

  return (
    <div className="page prompt-page">
      <div className="crumbs">
        <Link to="/prompts">Prompts</Link> /
      </div>
      <div className="page-head">
        <h1>{name}</h1>
        <button type="button" className="primary" onClick={() => update({ mode: "new" })} disabled={mode === "new"}>
          New version
        </button>
        <button
          type="button"
          aria-pressed={mode === "compare"}
          disabled={list.length < 2}
          onClick={() => update({ mode: mode === "compare" ? undefined : "compare" })}
        >
          {mode === "compare" ? "Close compare" : "Compare versions"}
        </button>
      </div>
      <ErrorMessage error={prompt.error} title="Cannot load the prompt" />
      <ErrorMessage error={versions.error} title="Cannot load the versions" />
      {prompt.data && !isPrompt(prompt.data) ? (
        <p className="notice">
          {name} is a registered model, not a prompt: <Link to={`/models/${encodeURIComponent(name)}`}>open it</Link>.
        </p>
      ) : null}
      {prompt.data?.description ? <p className="muted wrap">{prompt.data.description}</p> : null}

      <div className="prompt-layout">
        <section>
          <h2>Versions ({list.length})</h2>
          <table className="grid" aria-label="Prompt versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Created</th>
                <th>Commit message</th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.version} className={v === selected ? "selected" : undefined}>
                  <td>
                    <Link to={`?v=${v.version}`}>Version {v.version}</Link>
                  </td>
                  <td>
                    {v.aliases.map((a) => (
                      <span key={a} className="chip alias">
                        @{a}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(v.created)}</td>
                  <td className="wrap">{v.commitMessage}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!versions.loading && !versions.error && list.length === 0 ? <p className="muted">No versions yet.</p> : null}
          {prompt.data ? (
            <>
              <h2>Aliases</h2>
              <AliasEditor
                aliases={prompt.data.aliases ?? []}
                versions={list.map((v) => v.version)}
                onSet={(alias, version) => setAlias(name, alias, version)}
                onDelete={(alias) => deleteAlias(name, alias)}
                onChanged={reload}
              />
            </>
          ) : null}
        </section>

        <section className="prompt-detail">
          {mode === "new" && !versions.loading ? (
            <NewPromptVersion
              key={selected?.version ?? "none"}
              name={name}
              base={selected}
              onCreated={created}
              onCancel={() => update({ mode: undefined })}
            />
          ) : null}
          {mode === "compare" && before && after ? (
            <>
              <h2>Compare</h2>
              <div className="toolbar">
                <VersionPicker label="From version" list={list} value={before.version} onChange={(a) => update({ a })} />
                <span>→</span>
                <VersionPicker label="To version" list={list} value={after.version} onChange={(b) => update({ b })} />
              </div>
              <TemplateDiff
                label="Template diff"
                before={templateLines(before)}
                after={templateLines(after)}
              />
            </>
          ) : null}
          {mode === "view" && selected ? <VersionDetail version={selected} /> : null}
        </section>
      </div>
    </div>
  );
}

function VersionPicker(props: { label: string; list: PromptVersion[]; value: string; onChange: (v: string) => void }) {
  return (
    <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {props.list.map((v) => (
        <option key={v.version} value={v.version}>
          version {v.version}
          {v.aliases.length ? ` (@${v.aliases.join(", @")})` : ""}
        </option>
      ))}
    </select>
  );
}

function VersionDetail({ version }: { version: PromptVersion }) {
  return (
    <>
      <h2>
        Version {version.version}{" "}
        {version.aliases.map((a) => (
          <span key={a} className="chip alias">
            @{a}
          </span>
        ))}
        <span className="badge">{version.type}</span>
      </h2>
      {version.commitMessage ? <p className="wrap">{version.commitMessage}</p> : null}
      <PromptTemplate version={version} />
      {version.responseFormat ? (
        <>
          <h3>Response format</h3>
          <pre className="preview-text">{pretty(version.responseFormat)}</pre>
        </>
      ) : null}
      {version.modelConfig ? (
        <>
          <h3>Model configuration</h3>
          <pre className="preview-text">{pretty(version.modelConfig)}</pre>
        </>
      ) : null}
      {version.tags.length ? (
        <>
          <h3>Tags</h3>
          <ul className="tags">
            {version.tags.map((t) => (
              <li key={t.key} className="tag">
                <span className="tag-key">{t.key}</span>
                <span className="tag-value">{t.value}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
