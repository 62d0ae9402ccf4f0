import { useState, type FormEvent } from "react";
import { updatePassword } from "../api/users";
import { ErrorMessage } from "./ErrorMessage";

/** Change the signed-in user's own password; the server checks the current one. */
export function PasswordForm({ username }: { username: string }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (next !== repeat) {
      setError(new Error("The new passwords do not match: type the same password twice."));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await updatePassword(username, next, current);
      setCurrent("");
      setNext("");
      setRepeat("");
      setDone(true);
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack-form" onSubmit={submit} aria-label="Change password">
      <label>
        Current password
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
        />
      </label>
      <label>
        Repeat new password
        <input
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          required
        />
      </label>
      <div>
        <button type="submit" className="primary" disabled={busy || !current || !next}>
          Change password
        </button>
      </div>
      <ErrorMessage error={error} />
      {done ? (
        <p className="notice" role="status">
          Password changed. This sign-in ends with the old password: sign in again with the new one. Access tokens keep working.
        </p>
      ) : null}
    </form>
  );
}
