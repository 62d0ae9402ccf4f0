import { Link, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { hasDatabase, serverInfo } from "./api/serverInfo";
import { AuthGate, useAuth } from "./components/AuthGate";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { AccountPage } from "./pages/AccountPage";
import { AdminUsersPage } from "./pages/AdminUsersPage";
import { ApiReferencePage } from "./pages/ApiReferencePage";
import { ComparePage } from "./pages/ComparePage";
import { ExperimentPage } from "./pages/ExperimentPage";
import { ExperimentsPage } from "./pages/ExperimentsPage";
import { LoggedModelsPage } from "./pages/LoggedModelsPage";
import { ModelPage } from "./pages/ModelPage";
import { ModelsPage } from "./pages/ModelsPage";
import { ModelVersionPage } from "./pages/ModelVersionPage";
import { PromptPage } from "./pages/PromptPage";
import { PromptsPage } from "./pages/PromptsPage";
import { RunPage } from "./pages/RunPage";
import { RunRedirect } from "./pages/RunRedirect";
import { TracePage } from "./pages/TracePage";
import { TracesPage } from "./pages/TracesPage";
import { translateMlflowHash } from "./lib/mlflowLinks";
import { useAsync } from "./lib/useAsync";

export function App() {
  return (
    <AuthGate>
      <Shell />
    </AuthGate>
  );
}

function Shell() {
  const location = useLocation();
  const info = useAsync(serverInfo, []);
  // An MLflow UI link (`/#/experiments/1/runs/<id>`) opens runhub's page for it.
  const mlflowLink = translateMlflowHash(location.hash);
  if (mlflowLink !== null) return <Navigate to={mlflowLink} replace />;
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/experiments" className="brand">
          runhub
        </Link>
        <nav>
          <Link to="/experiments">Experiments</Link>
          {/* A file store has no model registry. */}
          {hasDatabase(info.data) && <Link to="/models">Models</Link>}
          {hasDatabase(info.data) && <Link to="/prompts">Prompts</Link>}
          <Link to="/api-reference" title="The REST API, from the server's OpenAPI description">
            API
          </Link>
        </nav>
        <SignedInAs />
      </header>
      <main>
        <ErrorBoundary resetKey={location.pathname}>
          <Routes>
            <Route path="/" element={<Navigate to="/experiments" replace />} />
            <Route path="/experiments" element={<ExperimentsPage />} />
            <Route path="/experiments/:experimentId" element={<ExperimentPage />} />
            <Route path="/experiments/:experimentId/runs/:runId" element={<RunPage />} />
            <Route path="/experiments/:experimentId/models" element={<LoggedModelsPage />} />
            <Route path="/experiments/:experimentId/traces" element={<TracesPage />} />
            <Route path="/experiments/:experimentId/traces/:traceId" element={<TracePage />} />
            <Route path="/runs/:runId" element={<RunRedirect />} />
            <Route path="/models" element={<ModelsPage />} />
            <Route path="/models/:name" element={<ModelPage />} />
            <Route path="/models/:name/versions/:version" element={<ModelVersionPage />} />
            <Route path="/prompts" element={<PromptsPage />} />
            <Route path="/prompts/:name" element={<PromptPage />} />
            <Route path="/compare" element={<ComparePage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/admin/users" element={<AdminUsersPage />} />
            <Route path="/api-reference" element={<ApiReferencePage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** The signed-in user and the sign-out button (nothing when the server runs without auth). */
function SignedInAs() {
  const { user, signOut } = useAuth();
  if (!user) return null;
  return (
    <span className="who">
      {user.is_admin ? <Link to="/admin/users">Users</Link> : null}
      <Link to="/account" title="Your account: password and access tokens">
        {user.username}
      </Link>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </span>
  );
}

function NotFound() {
  const location = useLocation();
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{location.pathname}</code>. <Link to="/experiments">Go to experiments</Link>.
      </p>
    </div>
  );
}
