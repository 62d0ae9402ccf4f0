import { Link } from "react-router-dom";
import { getExperiment } from "../api/tracking";
import { useAsync } from "../lib/useAsync";
import { ErrorMessage } from "./ErrorMessage";
import { ExperimentTabs } from "./ExperimentTabs";

/** Breadcrumb, name and tabs shown above an experiment's logged models and traces. */
export function ExperimentHeader({ experimentId }: { experimentId: string }) {
  const experiment = useAsync(() => getExperiment(experimentId), [experimentId]);
  return (
    <>
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> /
      </div>
      <ErrorMessage error={experiment.error} />
      <div className="page-head">
        <h1>{experiment.data?.name ?? (experiment.error ? `Experiment ${experimentId}` : "…")}</h1>
        <span className="muted mono">ID {experimentId}</span>
      </div>
      <ExperimentTabs experimentId={experimentId} />
    </>
  );
}
