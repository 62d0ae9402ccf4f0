"""Logged models (MLflow 3) with the stock client: log_model, load_model, search, annotate."""

from __future__ import annotations

import time
from typing import Any

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.entities import LoggedModelStatus
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

pytestmark = pytest.mark.compat


def _fitted() -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return LogisticRegression().fit(x, y), x


@pytest.fixture(scope="module")
def logged(tracking_uri: str) -> dict[str, Any]:
    """One sklearn model logged the MLflow 3 way, plus the data to check its predictions."""
    client = MlflowClient(tracking_uri)
    exp_id = client.create_experiment(f"logged-models-{time.time_ns()}")
    model, x = _fitted()
    with mlflow.start_run(experiment_id=exp_id) as run:
        info = mlflow.sklearn.log_model(model, name="model", input_example=x[:2])
    return {"exp_id": exp_id, "run_id": run.info.run_id, "info": info, "model": model, "x": x}


def test_log_model_creates_a_ready_logged_model(client: MlflowClient, logged: dict) -> None:
    info = logged["info"]
    assert info.model_id.startswith("m-")
    model = client.get_logged_model(info.model_id)
    assert model.status == LoggedModelStatus.READY
    assert model.name == "model" and model.source_run_id == logged["run_id"]
    assert model.artifact_location.endswith(f"/models/{info.model_id}/artifacts")
    run = client.get_run(logged["run_id"])
    assert [o.model_id for o in run.outputs.model_outputs] == [info.model_id]
    names = {f.path for f in client.list_logged_model_artifacts(info.model_id)}
    assert {"MLmodel", "input_example.json"} <= names


@pytest.mark.parametrize("uri_kind", ["runs", "model_id"])
def test_load_model_predicts_like_the_original(logged: dict, uri_kind: str) -> None:
    uri = (
        f"runs:/{logged['run_id']}/model"
        if uri_kind == "runs"
        else f"models:/{logged['info'].model_id}"
    )
    loaded = mlflow.pyfunc.load_model(uri)
    expected = logged["model"].predict(logged["x"])
    assert np.array_equal(np.asarray(loaded.predict(logged["x"])), expected)


@pytest.mark.database_only("the model registry")
def test_registered_versions_load_by_number_and_alias(
    client: MlflowClient, logged: dict, unique_name: str
) -> None:
    version = mlflow.register_model(logged["info"].model_uri, unique_name)
    assert version.version == "1" and version.status == "READY"
    assert version.source == f"models:/{logged['info'].model_id}"
    client.set_registered_model_alias(unique_name, "champion", "1")
    expected = logged["model"].predict(logged["x"])
    for uri in (f"models:/{unique_name}/1", f"models:/{unique_name}@champion"):
        loaded = mlflow.pyfunc.load_model(uri)
        assert np.array_equal(np.asarray(loaded.predict(logged["x"])), expected)


@pytest.mark.database_only("the model registry")
def test_log_model_with_registered_model_name(
    client: MlflowClient, experiment_id: str, unique_name: str
) -> None:
    model, x = _fitted()
    with mlflow.start_run(experiment_id=experiment_id):
        info = mlflow.sklearn.log_model(
            model, name="clf", input_example=x[:2], registered_model_name=unique_name
        )
    assert str(info.registered_model_version) == "1"
    version = client.get_model_version(unique_name, "1")
    assert version.source == f"models:/{info.model_id}"
    loaded = mlflow.sklearn.load_model(f"models:/{unique_name}/1")
    assert np.array_equal(loaded.predict(x), model.predict(x))


def test_create_tag_param_metric_search_delete(client: MlflowClient, experiment_id: str) -> None:
    with mlflow.start_run(experiment_id=experiment_id) as run:
        model = mlflow.initialize_logged_model(name="manual", params={"alpha": "0.1"})
        mlflow.log_metric("acc", 0.75, model_id=model.model_id)
    client.set_logged_model_tags(model.model_id, {"stage": "dev", "team": "x"})
    client.delete_logged_model_tag(model.model_id, "team")
    client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    got = client.get_logged_model(model.model_id)
    assert got.tags.get("stage") == "dev" and "team" not in got.tags
    assert got.params == {"alpha": "0.1"}
    assert [(m.key, m.value, m.run_id) for m in got.metrics] == [("acc", 0.75, run.info.run_id)]
    found = mlflow.search_logged_models(
        experiment_ids=[experiment_id],
        filter_string="metrics.acc > 0.5 AND params.alpha = '0.1'",
        output_format="list",
    )
    assert [m.model_id for m in found] == [model.model_id]
    client.delete_logged_model(model.model_id)
    with pytest.raises(MlflowException) as err:
        client.get_logged_model(model.model_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_search_logged_models_pages(client: MlflowClient, experiment_id: str) -> None:
    for i in range(5):
        client.create_logged_model(experiment_id, name=f"m{i}")
    page = client.search_logged_models([experiment_id], max_results=2)
    seen = [m.name for m in page]
    while page.token:
        page = client.search_logged_models([experiment_id], max_results=2, page_token=page.token)
        seen += [m.name for m in page]
    assert seen == [f"m{i}" for i in reversed(range(5))]
