import { useState, type FormEvent } from "react";
import type { KeyValue } from "../api/types";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  tags: KeyValue[];
  onSet: (key: string, value: string) => Promise<unknown>;
  onDelete: (key: string) => Promise<unknown>;
  /** Called after a successful change so the owner can reload. */
  onChanged: () => void;
}

/** A key/value list with add and remove; system tags (mlflow.*) are shown but not editable. */
export function TagEditor({ tags, onSet, onDelete, onChanged }: Props) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<unknown>(undefined);

  const run = async (action: () => Promise<unknown>) => {
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

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) return;
    if (await run(() => onSet(key.trim(), value))) {
      setKey("");
      setValue("");
    }
  };

  return (
    <div className="tag-editor">
      <ul className="tags">
        {tags.map((tag) => (
          <li key={tag.key} className="tag">
            <span className="tag-key">{tag.key}</span>
            <span className="tag-value">{tag.value}</span>
            {tag.key.startsWith("mlflow.") ? null : (
              <button
                type="button"
                className="link"
                aria-label={`Remove tag ${tag.key}`}
                onClick={() => void run(() => onDelete(tag.key))}
              >
                ×
              </button>
            )}
          </li>
        ))}
        {tags.length === 0 ? <li className="muted">No tags</li> : null}
      </ul>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <input aria-label="Tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} />
        <input
          aria-label="Tag value"
          placeholder="value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit">Add tag</button>
      </form>
      <ErrorMessage error={error} />
    </div>
  );
}
