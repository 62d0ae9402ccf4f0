"""Run lineage: dataset inputs, model outputs and the dataset summaries of the UI."""

from __future__ import annotations

import json
import uuid

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag

from .rest import Rest

pytestmark = pytest.mark.compat

SEARCH_DATASETS = "/ajax-api/2.0/mlflow/experiments/search-datasets"


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0.5, 0.25, 0.125]})


@pytest.fixture
def logged_input(
    client: MlflowClient, experiment_id: str, tracking_uri: str
) -> tuple[str, mlflow.data.Dataset]:
    """A finished run that logged one pandas dataset as its training input."""
    dataset = mlflow.data.from_pandas(_frame(), name="tiny-frame", targets="y")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_input(dataset, context="training")
    return run.info.run_id, dataset


def test_log_input_is_returned_by_get_run(
    client: MlflowClient, logged_input: tuple[str, mlflow.data.Dataset]
) -> None:
    run_id, dataset = logged_input
    inputs = client.get_run(run_id).inputs
    assert len(inputs.dataset_inputs) == 1
    (entry,) = inputs.dataset_inputs
    assert entry.dataset.name == "tiny-frame"
    assert entry.dataset.digest == dataset.digest
    assert entry.dataset.source_type == dataset.source._get_source_type()
    assert json.loads(entry.dataset.source) == json.loads(dataset.source.to_json())
    schema = json.loads(entry.dataset.schema)
    assert [c["name"] for c in schema["mlflow_colspec"]] == ["x", "y"]
    assert json.loads(entry.dataset.profile) == {"num_rows": 3, "num_elements": 6}
    assert [(t.key, t.value) for t in entry.tags] == [("mlflow.data.context", "training")]
    assert inputs.model_inputs == []


def test_search_runs_by_dataset(
    client: MlflowClient, experiment_id: str, logged_input: tuple[str, mlflow.data.Dataset]
) -> None:
    run_id, dataset = logged_input
    other = client.create_run(experiment_id).info.run_id

    def ids(filter_string: str) -> set[str]:
        return {r.info.run_id for r in client.search_runs([experiment_id], filter_string)}

    assert ids("datasets.name = 'tiny-frame'") == {run_id}
    assert ids("dataset.context = 'training'") == {run_id}
    assert ids(f"datasets.digest = '{dataset.digest}'") == {run_id}
    assert ids("datasets.name LIKE 'tiny%'") == {run_id}
    assert ids("datasets.name IN ('tiny-frame', 'other')") == {run_id}
    assert ids("datasets.name ILIKE 'TINY-%'") == {run_id}
    assert run_id in ids("datasets.name NOT IN ('other')")
    assert run_id not in ids("datasets.name NOT IN ('tiny-frame')")
    assert ids("datasets.context = 'evaluation'") == set()
    assert ids("datasets.name != 'tiny-frame'") == set()
    assert other not in ids("datasets.name = 'tiny-frame'")


def test_client_log_inputs_with_entities(client: MlflowClient, experiment_id: str) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    dataset = Dataset(
        name="hand-made",
        digest="abc123",
        source_type="http",
        source=json.dumps({"url": "https://example.invalid/data.csv"}),
        schema=json.dumps({"mlflow_colspec": [{"type": "double", "name": "z"}]}),
        profile=json.dumps({"num_rows": 10}),
    )
    tags = [InputTag("mlflow.data.context", "evaluation"), InputTag("origin", "unit ✓")]
    client.log_inputs(run_id, datasets=[DatasetInput(dataset, tags)])
    client.log_inputs(run_id, datasets=[DatasetInput(dataset, tags)])  # same input again

    (entry,) = client.get_run(run_id).inputs.dataset_inputs
    assert entry.dataset.name == "hand-made"
    assert entry.dataset.digest == "abc123"
    assert entry.dataset.source_type == "http"
    assert json.loads(entry.dataset.source) == {"url": "https://example.invalid/data.csv"}
    assert json.loads(entry.dataset.profile) == {"num_rows": 10}
    assert {(t.key, t.value) for t in entry.tags} == {
        ("mlflow.data.context", "evaluation"),
        ("origin", "unit ✓"),
    }


def test_run_outputs(client: MlflowClient, rest: Rest, experiment_id: str) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    model_a, model_b = f"m-{uuid.uuid4().hex}", f"m-{uuid.uuid4().hex}"
    body = rest.ok(
        "POST",
        "/api/2.0/mlflow/runs/outputs",
        json={
            "run_id": run_id,
            "models": [{"model_id": model_a, "step": 1}, {"model_id": model_b, "step": 7}],
        },
    )
    assert body == {}
    outputs = client.get_run(run_id).outputs
    assert sorted((o.model_id, o.step) for o in outputs.model_outputs) == sorted(
        [(model_a, 1), (model_b, 7)]
    )
    raw = rest.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]
    assert sorted(o["model_id"] for o in raw["outputs"]["model_outputs"]) == sorted(
        [model_a, model_b]
    )


def test_search_datasets_summaries(
    client: MlflowClient,
    rest: Rest,
    experiment_id: str,
    logged_input: tuple[str, mlflow.data.Dataset],
) -> None:
    _, dataset = logged_input
    # The same dataset in a second context gives a second summary.
    with mlflow.start_run(experiment_id=experiment_id):
        mlflow.log_input(dataset, context="evaluation")
    body = rest.ok("POST", SEARCH_DATASETS, json={"experiment_ids": [experiment_id]})
    summaries = sorted(body["dataset_summaries"], key=lambda s: s["context"])
    assert summaries == [
        {
            "experiment_id": experiment_id,
            "name": "tiny-frame",
            "digest": dataset.digest,
            "context": "evaluation",
        },
        {
            "experiment_id": experiment_id,
            "name": "tiny-frame",
            "digest": dataset.digest,
            "context": "training",
        },
    ]


def test_search_datasets_of_experiment_without_inputs(rest: Rest, experiment_id: str) -> None:
    body = rest.ok("POST", SEARCH_DATASETS, json={"experiment_ids": [experiment_id]})
    assert body.get("dataset_summaries", []) == []


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="no-experiment-ids"),
        pytest.param({"experiment_ids": [str(i) for i in range(21)]}, id="21-experiment-ids"),
    ],
)
def test_search_datasets_bad_arguments(rest: Rest, payload: dict) -> None:
    rest.assert_error(rest.post(SEARCH_DATASETS, json=payload), 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_log_inputs_raw_under_both_prefixes(
    client: MlflowClient, rest: Rest, experiment_id: str, prefix: str
) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    payload = {
        "run_id": run_id,
        "datasets": [
            {
                "tags": [{"key": "mlflow.data.context", "value": "training"}],
                "dataset": {
                    "name": "raw",
                    "digest": "d1",
                    "source_type": "local",
                    "source": json.dumps({"uri": "/data/raw.csv"}),
                },
            }
        ],
    }
    assert rest.ok("POST", f"{prefix}/2.0/mlflow/runs/log-inputs", json=payload) == {}
    (entry,) = client.get_run(run_id).inputs.dataset_inputs
    assert (entry.dataset.name, entry.dataset.digest) == ("raw", "d1")
    assert entry.dataset.source_type == "local"
