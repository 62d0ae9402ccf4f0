import { useState, type FormEvent } from "react";
import { createToken, listTokens, revokeToken, type CreatedToken } from "../api/users";
import { formatTime } from "../lib/format";
import { useAsync } from "../lib/useAsync";
import { ErrorMessage } from "./ErrorMessage";

/** The signed-in user's personal access tokens: list, create (secret shown once), revoke. */
export function AccessTokens() {
  const tokens = useAsync(listTokens, []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
    } catch (exc) {
      setError(exc);
    }
    tokens.reload();
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      setCreated(await createToken(name.trim()));
      setName("");
    });
  };
  const list = tokens.data ?? [];

  return (
    <div>
      <p className="muted">
        Use a token in scripts instead of your password: set <code>MLFLOW_TRACKING_TOKEN</code>, or send{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <form className="toolbar" onSubmit={create}>
        <input
          aria-label="Token name"
          placeholder="Token name, such as ci-pipeline"
          value={name}
          maxLength={255}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <button type="submit" className="primary" disabled={!name.trim()}>
          Create token
        </button>
      </form>
      {created ? <NewToken created={created} onDone={() => setCreated(null)} /> : null}
      <ErrorMessage error={tokens.error ?? error} />
      <table className="grid" aria-label="Access tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{formatTime(token.created_time)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="danger"
                  aria-label={`Revoke token ${token.name}`}
                  onClick={() => {
                    if (window.confirm(`Revoke token "${token.name}"? Scripts using it will stop working.`)) {
                      void act(() => revokeToken(token.id));
                    }
                  }}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data && list.length === 0 ? <p className="empty muted">No access tokens yet.</p> : null}
    </div>
  );
}

/** The secret of a token just created, with a copy button; it is never shown again. */
function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="secret-box" role="region" aria-label="New access token">
      <p>
        <strong>Copy token "{created.name}" now: you won't see it again.</strong>
      </p>
      <div className="toolbar">
        <code className="secret" aria-label="Token secret">
          {created.token}
        </code>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
        {copied === true ? <span className="muted">Copied.</span> : null}
        {copied === false ? <span className="muted">The browser refused to copy: select the text instead.</span> : null}
      </div>
    </div>
  );
}
