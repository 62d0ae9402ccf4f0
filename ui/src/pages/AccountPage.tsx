import { AccessTokens } from "../components/AccessTokens";
import { useAuth } from "../components/AuthGate";
import { PasswordForm } from "../components/PasswordForm";

/** The signed-in user's account: password and personal access tokens (basic-auth servers). */
export function AccountPage() {
  const { user } = useAuth();
  if (!user) return <NoAccounts />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Account</h1>
        <span className="muted">
          Signed in as <strong>{user.username}</strong>
          {user.is_admin ? <span className="badge">admin</span> : null}
        </span>
      </div>
      <h2>Password</h2>
      <PasswordForm username={user.username} />
      <h2>Access tokens</h2>
      <AccessTokens />
    </div>
  );
}

export function NoAccounts() {
  return (
    <div className="page">
      <h1>No accounts</h1>
      <p className="muted">
        This server runs without sign-in, so it has no users. Start it with <code>--app-name basic-auth</code> to
        have them.
      </p>
    </div>
  );
}
