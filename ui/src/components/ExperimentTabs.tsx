import { NavLink } from "react-router-dom";

/** Runs, logged models and traces of one experiment, each on its own page. */
export function ExperimentTabs({ experimentId }: { experimentId: string }) {
  const base = `/experiments/${encodeURIComponent(experimentId)}`;
  const tab = ({ isActive }: { isActive: boolean }) => (isActive ? "tab active" : "tab");
  return (
    <nav className="tabs" aria-label="Experiment views">
      <NavLink to={base} end className={tab}>
        Runs
      </NavLink>
      <NavLink to={`${base}/models`} className={tab}>
        Logged models
      </NavLink>
      <NavLink to={`${base}/traces`} className={tab}>
        Traces
      </NavLink>
    </nav>
  );
}
