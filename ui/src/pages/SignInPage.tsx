import { useState, type FormEvent } from "react";
import { signIn, type AuthUser } from "../api/auth";
import { ErrorMessage } from "../components/ErrorMessage";

export function SignInPage({ onSignedIn }: { onSignedIn: (user: AuthUser) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(username, password));
    } catch (exc) {
      setError(exc);
      setBusy(false);
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">runhub</span>
      </header>
      <main className="page sign-in">
        <h1>Sign in</h1>
        <form onSubmit={submit} className="sign-in-form">
          <label>
            Username
            <input
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoFocus
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="primary" disabled={busy || !username}>
            Sign in
          </button>
        </form>
        <ErrorMessage error={error} />
      </main>
    </div>
  );
}
