import { useState, type FormEvent } from "react";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  aliases: { alias: string; version: string }[];
  versions: string[];
  onSet: (alias: string, version: string) => Promise<unknown>;
  onDelete: (alias: string) => Promise<unknown>;
  onChanged: () => void;
}

/** A model's aliases (`@champion → v3`): point one at a version, or remove it. */
export function AliasEditor({ aliases, versions, onSet, onDelete, onChanged }: Props) {
  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const chosen = version || versions[0] || "";

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      onChanged();
      return true;
    } catch (exc) {
      setError(exc);
      return false;
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!alias.trim() || !chosen) return;
    if (await act(() => onSet(alias.trim(), chosen))) setAlias("");
  };

  return (
    <div className="tag-editor">
      <ul className="tags" aria-label="Aliases">
        {aliases.map((a) => (
          <li key={a.alias} className="tag">
            <span className="tag-key">@{a.alias}</span>
            <span className="tag-value">version {a.version}</span>
            <button type="button" className="link" aria-label={`Remove alias ${a.alias}`} onClick={() => void act(() => onDelete(a.alias))}>
              ×
            </button>
          </li>
        ))}
        {aliases.length === 0 ? <li className="muted">No aliases</li> : null}
      </ul>
      {versions.length ? (
        <form className="inline-form" onSubmit={(e) => void submit(e)}>
          <input aria-label="Alias" placeholder="alias, e.g. champion" value={alias} onChange={(e) => setAlias(e.target.value)} />
          <select aria-label="Alias version" value={chosen} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                version {v}
              </option>
            ))}
          </select>
          <button type="submit">Set alias</button>
        </form>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}
