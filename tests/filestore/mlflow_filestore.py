"""MLflow's own FileStore on an mlruns directory, run in its own process.

``python mlflow_filestore.py write ROOT`` logs a small tracking history with the stock client
and prints the ids as JSON; ``python mlflow_filestore.py read ROOT`` prints everything MLflow
reads back from ROOT as JSON; ``python mlflow_filestore.py client URL`` logs artifacts with the
stock client through a runhub server and reads them back. The test process never imports mlflow.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType
from mlflow.tracking import MlflowClient


def write(root: str) -> dict[str, Any]:
    client = MlflowClient(tracking_uri=root)
    exp = client.create_experiment("from-mlflow", tags={"team": "vision", "nested/key": "n"})
    run = client.create_run(exp, run_name="mlflow-run", tags={"mlflow.user": "alice"})
    run_id = run.info.run_id
    metrics = [Metric("loss", 1.0 / (s + 1), 1_700_000_000_000 + s, s) for s in range(10)]
    metrics.append(Metric("acc", float("nan"), 1_700_000_000_000, 0))
    metrics.append(Metric("nested/metric", 2.5, 1_700_000_000_000, 3))
    client.log_batch(
        run_id,
        metrics=metrics,
        params=[Param("lr", "0.1"), Param("model/depth", "3")],
        tags=[RunTag("stage", "dev"), RunTag("a/b/c", "deep")],
    )
    dataset = Dataset("digits", "d1", "local", '{"uri": "/d"}', '{"cols": 3}', None)
    client.log_inputs(
        run_id, datasets=[DatasetInput(dataset, [InputTag("mlflow.data.context", "train")])]
    )
    client.set_terminated(run_id, "FINISHED", end_time=1_700_000_100_000)
    gone = client.create_run(exp, run_name="gone")
    client.delete_run(gone.info.run_id)
    doomed = client.create_experiment("doomed-by-mlflow")
    client.delete_experiment(doomed)
    return {
        "experiment_id": exp,
        "run_id": run_id,
        "deleted_run_id": gone.info.run_id,
        "deleted_experiment_id": doomed,
    }


def _number(value: float) -> Any:
    return "NaN" if math.isnan(value) else value


def read(root: str) -> dict[str, Any]:
    client = MlflowClient(tracking_uri=root)
    experiments = {}
    for exp in client.search_experiments(view_type=ViewType.ALL):
        runs = {}
        for run in client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL):
            run_id = run.info.run_id
            runs[run_id] = {
                "name": run.info.run_name,
                "status": run.info.status,
                "lifecycle_stage": run.info.lifecycle_stage,
                "start_time": run.info.start_time,
                "end_time": run.info.end_time,
                "user_id": run.info.user_id,
                "artifact_uri": run.info.artifact_uri,
                "metrics": {k: _number(v) for k, v in run.data.metrics.items()},
                "params": run.data.params,
                "tags": run.data.tags,
                "history": {
                    key: sorted(
                        (m.step, m.timestamp, _number(m.value))
                        for m in client.get_metric_history(run_id, key)
                    )
                    for key in run.data.metrics
                },
                "inputs": [
                    {
                        "name": d.dataset.name,
                        "digest": d.dataset.digest,
                        "source": d.dataset.source,
                        "schema": d.dataset.schema,
                        "tags": {t.key: t.value for t in d.tags},
                    }
                    for d in run.inputs.dataset_inputs
                ],
                "artifacts": [f.path for f in client.list_artifacts(run_id)],
            }
        experiments[exp.experiment_id] = {
            "name": exp.name,
            "lifecycle_stage": exp.lifecycle_stage,
            "artifact_location": exp.artifact_location,
            "tags": exp.tags,
            "runs": runs,
        }
    return experiments


def client_artifacts(url: str) -> dict[str, Any]:
    import tempfile

    import mlflow

    mlflow.set_tracking_uri(url)
    client = MlflowClient(tracking_uri=url)
    exp = client.create_experiment("client-artifacts")
    with mlflow.start_run(experiment_id=exp) as run:
        mlflow.log_text("hello", "notes/readme.txt")
        mlflow.log_dict({"a": 1}, "config.json")
    run_id = run.info.run_id
    with tempfile.TemporaryDirectory() as tmp:
        local = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=tmp)
        downloaded = sorted(
            os.path.relpath(os.path.join(d, f), local) for d, _, fs in os.walk(local) for f in fs
        )
    return {
        "experiment_id": exp,
        "run_id": run_id,
        "artifact_uri": run.info.artifact_uri,
        "listed": sorted(f.path for f in client.list_artifacts(run_id)),
        "downloaded": downloaded,
        "text": mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.txt"),
    }


if __name__ == "__main__":
    action, target = sys.argv[1], sys.argv[2]
    actions = {"write": write, "read": read, "client": client_artifacts}
    print(json.dumps(actions[action](target), sort_keys=True))
