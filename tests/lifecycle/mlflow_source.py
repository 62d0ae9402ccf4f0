"""Writes a real MLflow deployment with the stock client: ``python mlflow_source.py URI ART``.

URI is what the client writes to directly (``sqlite:///…`` or an ``mlruns`` directory); ART is
the artifact root of new experiments. Runs in its own process so that ``mlflow`` is never
imported into the test process.
"""

from __future__ import annotations

import contextlib
import os
import sys

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")

import mlflow
from mlflow.entities import (
    AssessmentError,
    AssessmentSource,
    Dataset,
    DatasetInput,
    InputTag,
    Metric,
    Param,
    RunTag,
    SpanEvent,
)
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient


def build(uri: str, artifact_root: str) -> None:
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment(
        "training", artifact_location=f"{artifact_root}/training", tags={"team": "vision"}
    )
    other = client.create_experiment("doomed", artifact_location=f"{artifact_root}/doomed")
    client.set_experiment_tag(exp, "purpose", "import test")
    runs = []
    for i in range(3):
        run = client.create_run(exp, run_name=f"run-{i}", tags={"mlflow.user": "alice"})
        run_id = run.info.run_id
        metrics = [Metric("loss", 1.0 / (s + 1) + i, 1_700_000_000_000 + s, s) for s in range(20)]
        metrics += [
            Metric("acc", float("nan") if s == 3 else s / 10, 1_700_000_000_000, s)
            for s in range(5)
        ]
        client.log_batch(
            run_id,
            metrics=metrics,
            params=[Param("lr", str(0.1 * (i + 1))), Param("layers", "3")],
            tags=[RunTag("stage", "dev"), RunTag("note", "x" * 300)],
        )
        dataset = Dataset(
            name="digits",
            digest=f"d{i % 2}",
            source_type="local",
            source='{"uri": "/d"}',
            schema='{"cols": 3}',
            profile='{"rows": 10}',
        )
        client.log_inputs(
            run_id, datasets=[DatasetInput(dataset, [InputTag("mlflow.data.context", "train")])]
        )
        client.log_text(run_id, f"hello {i}", "notes/readme.txt")
        if i < 2:
            client.set_terminated(run_id, "FINISHED", end_time=1_700_000_100_000 + i)
        runs.append(run_id)
    client.delete_run(runs[2])
    gone = client.create_run(other, run_name="gone")
    client.log_metric(gone.info.run_id, "m", 1.0)
    client.delete_experiment(other)

    model = client.create_logged_model(
        exp,
        name="clf",
        source_run_id=runs[0],
        params={"alpha": "0.5"},
        tags={"k": "v"},
        model_type="sklearn",
    )
    client.finalize_logged_model(model.model_id, "READY")
    client.create_registered_model("digits-clf", tags={"owner": "alice"}, description="desc")
    v1 = client.create_model_version(
        "digits-clf",
        f"runs:/{runs[0]}/model",
        run_id=runs[0],
        tags={"t": "1"},
        description="first",
    )
    client.create_model_version("digits-clf", model.artifact_location, model_id=model.model_id)
    client.set_registered_model_alias("digits-clf", "champion", v1.version)
    client.create_registered_model("empty-model")

    mlflow.set_experiment(experiment_id=exp)
    with mlflow.start_span("predict") as span:
        span.set_inputs({"x": 1})
        span.set_outputs({"y": 2})
        with mlflow.start_span("inner") as child:
            child.set_attribute("model", "m1")
    trace_id = span.trace_id
    client.set_trace_tag(trace_id, "quality", "good")
    with contextlib.suppress(MlflowException):  # the file store keeps no trace-run links
        client.link_traces_to_run([trace_id], runs[0])
    mlflow.log_feedback(trace_id=trace_id, name="relevance", value=0.75, rationale="fine")
    mlflow.log_expectation(trace_id=trace_id, name="expected", value="2")
    with mlflow.start_span("chat", span_type="LLM") as failing:
        failing.set_inputs({"q": "why"})
        failing.add_event(SpanEvent("retry", attributes={"attempt": 2}))
        failing.set_status("ERROR")
    mlflow.log_feedback(
        trace_id=failing.trace_id,
        name="judge",
        error=AssessmentError(error_code="TIMEOUT", error_message="slow"),
        source=AssessmentSource("LLM_JUDGE", "gpt"),
        metadata={"round": "1"},
    )
    mlflow.log_expectation(trace_id=failing.trace_id, name="facts", value={"a": [1, 2]})


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
