"""MLflow's own FileStore on an mlruns directory, run in its own process.

``python mlflow_filestore.py write ROOT`` logs a small tracking history with the stock client
and prints the ids as JSON; ``python mlflow_filestore.py read ROOT`` prints everything MLflow
reads back from ROOT as JSON; ``python mlflow_filestore.py client URL`` logs artifacts with the
stock client through a runhub server and reads them back. ``write-models``, ``read-models`` and
``client-models`` do the same for logged models (MLflow 3). The test process never imports mlflow.
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


def write_models(root: str) -> dict[str, Any]:
    """Logged models as MLflow's FileStore writes them: one of each shape, one deleted."""
    client = MlflowClient(tracking_uri=root)
    exp = client.create_experiment("models-from-mlflow")
    run_id = client.create_run(exp, run_name="trainer").info.run_id
    ready = client.create_logged_model(
        exp,
        name="ready",
        source_run_id=run_id,
        params={"alpha": "0.1", "opt/name": "adam"},
        tags={"stage": "dev", "a/b": "deep"},
        model_type="sklearn",
    )
    client.log_batch(
        run_id,
        metrics=[
            Metric("acc", 0.5, 1_700_000_000_000, 0, model_id=ready.model_id),
            Metric(
                "acc",
                0.8,
                1_700_000_000_001,
                1,
                model_id=ready.model_id,
                dataset_name="eval",
                dataset_digest="d2",
            ),
        ],
    )
    client.finalize_logged_model(ready.model_id, "READY")
    pending = client.create_logged_model(exp, name="pending")
    gone = client.create_logged_model(exp, name="gone")
    client.delete_logged_model(gone.model_id)
    return {
        "experiment_id": exp,
        "run_id": run_id,
        "ready": ready.model_id,
        "pending": pending.model_id,
        "gone": gone.model_id,
    }


def _model(model: Any) -> dict[str, Any]:
    return {
        "model_id": model.model_id,
        "experiment_id": model.experiment_id,
        "name": model.name,
        "status": str(model.status),
        "model_type": model.model_type,
        "source_run_id": model.source_run_id,
        "artifact_location": model.artifact_location,
        "creation_timestamp": model.creation_timestamp,
        "params": model.params,
        "tags": model.tags,
        "metrics": sorted(
            [
                m.key,
                _number(m.value),
                m.timestamp,
                m.step,
                m.run_id,
                m.dataset_name,
                m.dataset_digest,
            ]
            for m in model.metrics or []
        ),
    }


def read_models(root: str) -> dict[str, Any]:
    """Every experiment's logged models as MLflow's FileStore finds and reads them."""
    client = MlflowClient(tracking_uri=root)
    out: dict[str, Any] = {}
    for exp in client.search_experiments(view_type=ViewType.ALL):
        found = client.search_logged_models([exp.experiment_id], order_by=[{"field_name": "name"}])
        out[exp.experiment_id] = {
            "searched": [m.model_id for m in found],
            "ready": [
                m.model_id
                for m in client.search_logged_models(
                    [exp.experiment_id], filter_string="status = 'READY' AND metrics.acc >= 0.5"
                )
            ],
            "models": {m.model_id: _model(client.get_logged_model(m.model_id)) for m in found},
        }
    return out


def client_models(url: str) -> dict[str, Any]:
    """The stock client logs an sklearn model through a runhub server and loads it back."""
    import mlflow
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mlflow.set_tracking_uri(url)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3))
    model = LogisticRegression().fit(x, (x[:, 0] > 0).astype(int))
    exp = MlflowClient(tracking_uri=url).create_experiment("client-models")
    with mlflow.start_run(experiment_id=exp) as run:
        info = mlflow.sklearn.log_model(model, name="clf", input_example=x[:2])
    expected = model.predict(x).tolist()
    client = MlflowClient(tracking_uri=url)
    return {
        "experiment_id": exp,
        "run_id": run.info.run_id,
        "model_id": info.model_id,
        "artifact_location": client.get_logged_model(info.model_id).artifact_location,
        "expected": expected,
        "by_model_id": mlflow.pyfunc.load_model(f"models:/{info.model_id}").predict(x).tolist(),
        "by_run": mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/clf").predict(x).tolist(),
        "listed": sorted(f.path for f in client.list_logged_model_artifacts(info.model_id)),
    }


if __name__ == "__main__":
    action, target = sys.argv[1], sys.argv[2]
    actions = {
        "write": write,
        "read": read,
        "client": client_artifacts,
        "write-models": write_models,
        "read-models": read_models,
        "client-models": client_models,
    }
    print(json.dumps(actions[action](target), sort_keys=True))
