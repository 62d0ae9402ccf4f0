"""Writes an MLflow 2.x database with a real MLflow 2.x client, then dumps what that client reads.

``python mlflow2_source.py URI ART DUMP`` runs under a virtualenv with ``mlflow-skinny==2.x``
(see the Makefile): it writes experiments, runs with metric histories, params and tags, dataset
inputs (2.4+), registered models with versions, stages, tags and aliases (2.3+; the file store's
registry came later than the database's) and traces with spans (2.14+) to ``URI`` (a database
or an ``mlruns`` directory) through ``MlflowClient``, using only what that version has. Then it
reads everything back with the same client and writes it to ``DUMP`` as JSON, in plain shapes
that the test compares with what runhub serves after the import.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")

import mlflow
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient


def build(client: MlflowClient, uri: str, root: str) -> None:
    exp = client.create_experiment("training", f"{root}/training", tags={"team": "vision"})
    doomed = client.create_experiment("doomed", f"{root}/doomed")
    runs = []
    for i in range(3):
        run_id = client.create_run(exp, tags={"mlflow.runName": f"run-{i}"}).info.run_id
        metrics = [Metric("loss", 1.0 / (s + 1) + i, 1_700_000_000_000 + s, s) for s in range(15)]
        metrics += [Metric("acc", float("nan"), 1_700_000_000_000, 2)]
        metrics += [Metric("acc", s / 10, 1_700_000_000_001 + s, s) for s in range(4)]
        params = [Param("lr", str(0.1 * (i + 1))), Param("layers", "3")]
        client.log_batch(run_id, metrics=metrics, params=params, tags=[RunTag("stage", "dev")])
        if hasattr(client, "log_inputs"):  # 2.4+
            from mlflow.entities import Dataset, DatasetInput, InputTag

            dataset = Dataset("digits", f"d{i % 2}", "local", '{"uri": "/d"}', '{"c": 3}')
            tags = [InputTag("mlflow.data.context", "train")]
            client.log_inputs(run_id, datasets=[DatasetInput(dataset, tags)])
        if i < 2:
            client.set_terminated(run_id, "FINISHED", end_time=1_700_000_100_000 + i)
        runs.append(run_id)
    client.delete_run(runs[2])
    gone = client.create_run(doomed, tags={"mlflow.runName": "gone"}).info.run_id
    client.log_metric(gone, "m", 1.0)
    client.delete_experiment(doomed)

    try:
        client.create_registered_model("digits-clf", tags={"owner": "alice"}, description="desc")
    except MlflowException:
        pass  # the file store of early 2.x releases has no model registry
    else:
        _registry(client, runs[0])
    _traces(client, uri, exp)


def _registry(client: MlflowClient, run_id: str) -> None:
    for n in range(3):
        client.create_model_version(
            "digits-clf", f"runs:/{run_id}/model", run_id=run_id, description=f"v{n + 1}"
        )
    client.set_model_version_tag("digits-clf", "1", "t", "1")
    client.transition_model_version_stage("digits-clf", "2", "Production")
    client.delete_model_version("digits-clf", "3")
    if hasattr(client, "set_registered_model_alias"):  # 2.3+
        client.set_registered_model_alias("digits-clf", "champion", "1")
    client.create_registered_model("empty-model")


def _traces(client: MlflowClient, uri: str, exp: str) -> None:
    if hasattr(mlflow, "start_span"):  # 2.14+
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(experiment_id=exp)
        with mlflow.start_span("predict") as span:
            span.set_inputs({"x": 1})
            span.set_outputs({"y": 2})
            with mlflow.start_span("inner", span_type="LLM") as child:
                child.set_attribute("model", "m1")
        client.set_trace_tag(span.request_id, "quality", "good")


def dump(client: MlflowClient) -> dict[str, Any]:
    experiments = client.search_experiments(view_type=ViewType.ALL)
    exp_ids = [e.experiment_id for e in experiments]
    runs = client.search_runs(exp_ids, run_view_type=ViewType.ALL)
    try:
        models = client.search_registered_models()
    except MlflowException:
        models = []
    found = {
        "experiments": [
            {
                "experiment_id": e.experiment_id,
                "name": e.name,
                "artifact_location": e.artifact_location,
                "lifecycle_stage": e.lifecycle_stage,
                "tags": e.tags,
            }
            for e in experiments
        ],
        "runs": [_run(client, r) for r in runs],
        "registered_models": [_model(client, m) for m in models],
        "traces": [],
    }
    if hasattr(client, "search_traces"):
        traces = client.search_traces(exp_ids)
        found["traces"] = [_trace(client.get_trace(t.info.request_id)) for t in traces]
    return found


def _run(client: MlflowClient, r: Any) -> dict[str, Any]:
    info = r.info
    inputs = getattr(r, "inputs", None)
    return {
        "run_id": info.run_id,
        "experiment_id": info.experiment_id,
        "run_name": info.run_name,
        "user_id": info.user_id,
        "status": info.status,
        "start_time": info.start_time,
        "end_time": info.end_time,
        "lifecycle_stage": info.lifecycle_stage,
        "artifact_uri": info.artifact_uri,
        "params": r.data.params,
        "tags": r.data.tags,
        "metrics": {
            key: sorted(
                [m.step, m.timestamp, repr(m.value)]
                for m in client.get_metric_history(info.run_id, key)
            )
            for key in r.data.metrics
        },
        "latest_metrics": {k: repr(v) for k, v in r.data.metrics.items()},
        "dataset_inputs": sorted(
            [
                d.dataset.name,
                d.dataset.digest,
                d.dataset.source_type,
                d.dataset.source,
                d.dataset.schema,
                sorted([t.key, t.value] for t in d.tags),
            ]
            for d in (inputs.dataset_inputs if inputs else [])
        ),
    }


def _model(client: MlflowClient, m: Any) -> dict[str, Any]:
    versions = client.search_model_versions(f"name = '{m.name}'")
    return {
        "name": m.name,
        "description": m.description or "",
        "tags": m.tags,
        "aliases": {k: str(v) for k, v in (getattr(m, "aliases", None) or {}).items()},
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
        "versions": sorted(
            (
                {
                    "version": str(v.version),
                    "source": v.source,
                    "run_id": v.run_id or "",
                    "status": v.status,
                    "current_stage": v.current_stage,
                    "description": v.description or "",
                    "tags": v.tags,
                    "creation_timestamp": v.creation_timestamp,
                    "last_updated_timestamp": v.last_updated_timestamp,
                }
                for v in versions
            ),
            key=lambda v: int(v["version"]),
        ),
    }


def _trace(trace: Any) -> dict[str, Any]:
    info = trace.info
    return {
        "trace_id": info.request_id,
        "experiment_id": info.experiment_id,
        "request_time": info.timestamp_ms,
        "execution_duration": info.execution_time_ms,
        "state": str(getattr(info.status, "value", info.status)),
        "tags": info.tags,
        "trace_metadata": info.request_metadata,
        "spans": sorted((_span(s) for s in trace.data.spans), key=lambda s: s["span_id"]),
    }


def _span(s: Any) -> dict[str, Any]:
    status = s.status.status_code
    return {
        "name": s.name,
        "span_id": str(s.span_id).removeprefix("0x"),
        "parent_id": str(s.parent_id).removeprefix("0x") if s.parent_id else None,
        "span_type": s.span_type,
        "start_time_ns": s.start_time_ns,
        "end_time_ns": s.end_time_ns,
        "status": str(getattr(status, "value", status)),
        "attributes": s.attributes,
    }


if __name__ == "__main__":
    target, artifact_root, dump_path = sys.argv[1:4]
    mlflow_client = MlflowClient(tracking_uri=target, registry_uri=target)
    build(mlflow_client, target, artifact_root)
    with open(dump_path, "w", encoding="utf-8") as out:
        json.dump({"version": mlflow.__version__, **dump(mlflow_client)}, out, indent=1)
