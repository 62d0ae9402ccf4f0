"""What a file-store server (``--backend-store-uri ./mlruns``) refuses, and how it says so.

Tracking and logged models on a file store are covered by the tracking modules, which run on
both backends; this module runs only against the file-store server, and also checks that a
model logged there loads back by its id and by its run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

from .rest import Rest

pytestmark = [pytest.mark.compat, pytest.mark.runhub_only]

HINT = "--backend-store-uri sqlite:///mlflow.db"


def _refused(call: Callable[[], Any], feature: str) -> None:
    with pytest.raises(MlflowException) as caught:
        call()
    assert caught.value.error_code == "NOT_IMPLEMENTED", caught.value
    message = caught.value.message
    assert feature in message and "file store" in message and HINT in message, message


def test_registry_calls_name_a_database_uri(client: MlflowClient, unique_name: str) -> None:
    _refused(lambda: client.create_registered_model(unique_name), "Registered models")
    _refused(lambda: client.search_registered_models(), "Registered models")
    _refused(lambda: client.get_model_version(unique_name, "1"), "Model versions")


def test_sklearn_model_loads_back_by_model_id_and_by_run(
    client: MlflowClient, experiment_id: str
) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 3))
    model = LogisticRegression().fit(x, (x[:, 0] - x[:, 2] > 0).astype(int))
    with mlflow.start_run(experiment_id=experiment_id) as run:
        info = mlflow.sklearn.log_model(model, name="clf", input_example=x[:2])
    logged = client.get_logged_model(info.model_id)
    assert logged.artifact_location == (
        f"mlflow-artifacts:/{experiment_id}/models/{info.model_id}/artifacts"
    )
    by_id = mlflow.pyfunc.load_model(f"models:/{info.model_id}").predict(x)
    by_run = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/clf").predict(x)
    assert np.array_equal(np.asarray(by_id), model.predict(x))
    assert np.array_equal(np.asarray(by_run), np.asarray(by_id))
    found = client.search_logged_models(
        [experiment_id], filter_string=f"source_run_id = '{run.info.run_id}'"
    )
    assert [m.model_id for m in found] == [info.model_id]


def test_trace_calls_name_a_database_uri(client: MlflowClient, experiment_id: str) -> None:
    _refused(lambda: client.search_traces(locations=[experiment_id]), "Traces")
    _refused(lambda: client.get_trace("tr-" + "0" * 32), "Traces")


def test_evaluation_dataset_calls_name_a_database_uri(
    tracking_uri: str, experiment_id: str, unique_name: str
) -> None:
    from mlflow.genai import datasets

    _refused(
        lambda: datasets.create_dataset(name=unique_name, experiment_id=experiment_id),
        "Evaluation datasets",
    )
    _refused(lambda: datasets.get_dataset(dataset_id="d-" + "0" * 32), "Evaluation datasets")


def test_tracking_works_beside_the_refusals(
    client: MlflowClient, experiment_id: str, tracking_uri: str
) -> None:
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_metric("loss", 0.5, step=1)
        mlflow.log_param("lr", "0.1")
    stored = client.get_run(run.info.run_id)
    assert stored.data.metrics == {"loss": 0.5}
    assert stored.data.params == {"lr": "0.1"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/2.0/mlflow/webhooks", None),
        ("POST", "/api/2.0/mlflow/webhooks", {"name": "w", "url": "https://example.invalid"}),
    ],
)
def test_webhooks_answer_501(rest: Rest, method: str, path: str, body: Any) -> None:
    resp = rest.session.request(method, rest.url(path), json=body, timeout=60)
    found = Rest.assert_error(resp, 501, "NOT_IMPLEMENTED")
    assert "Webhooks" in found["message"] and HINT in found["message"], found


def test_purge_removes_a_deleted_run_and_experiment(
    client: MlflowClient, rest: Rest, unique_name: str
) -> None:
    exp_id = client.create_experiment(unique_name)
    run = client.create_run(exp_id)
    client.delete_run(run.info.run_id)
    rest.ok("POST", "/api/2.0/mlflow/runs/purge", json={"run_id": run.info.run_id})
    with pytest.raises(MlflowException) as caught:
        client.get_run(run.info.run_id)
    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    client.delete_experiment(exp_id)
    rest.ok("POST", "/api/2.0/mlflow/experiments/purge", json={"experiment_id": exp_id})
    assert client.get_experiment_by_name(unique_name) is None


def test_server_info_names_the_file_store(rest: Rest) -> None:
    assert rest.ok("GET", "/api/3.0/mlflow/server-info")["store_type"] == "FileStore"
