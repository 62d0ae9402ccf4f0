import { Navigate, useParams } from "react-router-dom";
import { getRun } from "../api/tracking";
import { ErrorMessage } from "../components/ErrorMessage";
import { useAsync } from "../lib/useAsync";

/** `/runs/<id>`: links that know only a run id land on the run's page in its experiment. */
export function RunRedirect() {
  const { runId = "" } = useParams();
  const run = useAsync(() => getRun(runId), [runId]);
  if (run.data) {
    return <Navigate replace to={`/experiments/${run.data.info.experiment_id}/runs/${runId}`} />;
  }
  return <div className="page">{run.error ? <ErrorMessage error={run.error} title="Cannot load the run" /> : <p className="muted">Loading…</p>}</div>;
}
