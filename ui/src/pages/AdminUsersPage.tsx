import { useState, type FormEvent } from "react";
import { createUser, deleteUser, listUsers, setAdmin } from "../api/users";
import { useAuth } from "../components/AuthGate";
import { ErrorMessage } from "../components/ErrorMessage";
import { UserGrants } from "../components/UserGrants";
import { useAsync } from "../lib/useAsync";
import { NoAccounts } from "./AccountPage";

/** Admins manage the users of a basic-auth server: create, delete, admin flag, grants. */
export function AdminUsersPage() {
  const { user } = useAuth();
  if (!user) return <NoAccounts />;
  if (!user.is_admin) {
    return (
      <div className="page">
        <h1>Users</h1>
        <p className="muted">Only admins can manage users. Ask an admin for access.</p>
      </div>
    );
  }
  return <UsersAdmin me={user.username} />;
}

function UsersAdmin({ me }: { me: string }) {
  const users = useAsync(listUsers, []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
    } catch (exc) {
      setError(exc);
    }
    users.reload();
  };
  const list = users.data ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <h1>Users</h1>
      </div>
      <CreateUser onCreated={users.reload} />
      <ErrorMessage error={users.error ?? error} />
      <table className="grid" aria-label="Users">
        <thead>
          <tr>
            <th>Username</th>
            <th>Admin</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.map((row) => (
            <tr key={row.username} className={row.username === chosen ? "chosen" : undefined}>
              <td>
                {row.username}
                {row.username === me ? <span className="badge">you</span> : null}
              </td>
              <td>{row.is_admin ? "yes" : "no"}</td>
              <td className="actions">
                <button
                  type="button"
                  disabled={row.username === me}
                  title={row.username === me ? "You cannot remove your own admin status." : undefined}
                  aria-label={`${row.is_admin ? "Remove admin" : "Make admin"}: ${row.username}`}
                  onClick={() => void act(() => setAdmin(row.username, !row.is_admin))}
                >
                  {row.is_admin ? "Remove admin" : "Make admin"}
                </button>
                <button type="button" onClick={() => setChosen(row.username)}>
                  Permissions
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={row.username === me}
                  aria-label={`Delete user ${row.username}`}
                  onClick={() => {
                    if (window.confirm(`Delete user "${row.username}"? Their grants and tokens go with them.`)) {
                      if (chosen === row.username) setChosen(null);
                      void act(() => deleteUser(row.username));
                    }
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.loading && !users.data ? <p className="muted">Loading…</p> : null}
      {chosen ? <UserGrants key={chosen} username={chosen} /> : null}
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await createUser(username.trim(), password);
      setUsername("");
      setPassword("");
      onCreated();
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form aria-label="New user" onSubmit={submit}>
      <div className="toolbar">
        <input
          aria-label="New username"
          placeholder="Username"
          autoComplete="off"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <input
          aria-label="New user's password"
          placeholder="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" className="primary" disabled={busy || !username.trim() || !password}>
          Create user
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
