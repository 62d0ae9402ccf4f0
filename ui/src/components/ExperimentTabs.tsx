import { NavLink } from "react-router-dom";
import { hasDatabase, serverInfo } from "../api/serverInfo";
import { useAsync } from "../lib/useAsync";

/** Runs, logged models and traces of one experiment, each on its own page. */
export function ExperimentTabs({ experimentId }: { experimentId: string }) {
  const base = `/experiments/${encodeURIComponent(experimentId)}`;
  const tab = ({ isActive }: { isActive: boolean }) => (isActive ? "tab active" : "tab");
  const info = useAsync(serverInfo, []);
  return (
    <nav className="tabs" aria-label="Experiment views">
      <NavLink to={base} end className={tab}>
        Runs
      </NavLink>
      <NavLink to={`${base}/models`} className={tab}>
        Logged models
      </NavLink>
      {/* A file store keeps no traces. */}
      {hasDatabase(info.data) && (
        <NavLink to={`${base}/traces`} className={tab}>
          Traces
        </NavLink>
      )}
    </nav>
  );
}
