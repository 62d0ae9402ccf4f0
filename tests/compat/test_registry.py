"""The model registry with the stock client: every MlflowClient registry method, paging, and
model-version sources confined to managed storage."""

from __future__ import annotations

import re

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities.model_registry import RegisteredModel
from mlflow.exceptions import MlflowException

pytestmark = pytest.mark.compat


@pytest.fixture
def unique_name(unique_name: str) -> str:
    """The shared unique name, made a valid model name (parametrized tests add '[/x]')."""
    return re.sub(r"[^\w.-]", "_", unique_name)


@pytest.fixture
def run_id(client: MlflowClient, experiment_id: str) -> str:
    return client.create_run(experiment_id).info.run_id


def _error(fn: object, *args: object, **kwargs: object) -> str:
    assert callable(fn)
    with pytest.raises(MlflowException) as err:
        fn(*args, **kwargs)
    return str(err.value.error_code)


def test_registered_model_methods(client: MlflowClient, unique_name: str) -> None:
    created = client.create_registered_model(unique_name, tags={"team": "a"}, description="d")
    assert isinstance(created, RegisteredModel) and created.tags == {"team": "a"}
    assert _error(client.create_registered_model, unique_name) == "RESOURCE_ALREADY_EXISTS"
    client.update_registered_model(unique_name, description="new")
    client.set_registered_model_tag(unique_name, "k", "v")
    client.delete_registered_model_tag(unique_name, "team")
    client.rename_registered_model(unique_name, unique_name + "-2")  # the client returns None
    got = client.get_registered_model(unique_name + "-2")
    assert got.description == "new" and got.tags == {"k": "v"}
    client.delete_registered_model(unique_name + "-2")
    assert _error(client.get_registered_model, unique_name + "-2") == "RESOURCE_DOES_NOT_EXIST"


def test_model_version_methods(client: MlflowClient, unique_name: str, run_id: str) -> None:
    client.create_registered_model(unique_name)
    source = f"runs:/{run_id}/model"
    v1 = client.create_model_version(unique_name, source, run_id, tags={"a": "1"})
    v2 = client.create_model_version(unique_name, source, run_id, description="second")
    assert (v1.version, v2.version) == ("1", "2") and v1.status == "READY"
    assert v1.tags == {"a": "1"} and v2.description == "second"
    client.update_model_version(unique_name, "1", description="first")
    client.set_model_version_tag(unique_name, "1", "b", "2")
    client.delete_model_version_tag(unique_name, "1", "a")
    got = client.get_model_version(unique_name, "1")
    assert got.description == "first" and got.tags == {"b": "2"} and got.run_id == run_id
    assert client.get_model_version_download_uri(unique_name, "1") == source
    client.transition_model_version_stage(unique_name, "1", "Staging")
    client.transition_model_version_stage(unique_name, "2", "Staging", True)
    assert client.get_model_version(unique_name, "1").current_stage == "Archived"
    latest = client.get_latest_versions(unique_name, stages=["Staging"])
    assert [v.version for v in latest] == ["2"]
    client.set_registered_model_alias(unique_name, "champion", "2")
    assert client.get_model_version_by_alias(unique_name, "champion").version == "2"
    assert client.get_registered_model(unique_name).aliases == {"champion": "2"}
    client.delete_registered_model_alias(unique_name, "champion")
    assert _error(client.get_model_version_by_alias, unique_name, "champion") == (
        "INVALID_PARAMETER_VALUE"  # what MLflow answers for a missing alias
    )
    assert _error(client.set_registered_model_alias, unique_name, "latest", "1") == (
        "INVALID_PARAMETER_VALUE"
    )
    client.delete_model_version(unique_name, "1")
    assert _error(client.get_model_version, unique_name, "1") == "RESOURCE_DOES_NOT_EXIST"


def test_search_registered_models_pages(client: MlflowClient, unique_name: str) -> None:
    names = [f"{unique_name}-{i}" for i in range(5)]
    for name in names:
        client.create_registered_model(name, tags={"group": unique_name})
    query = f"name LIKE '{unique_name}-%'"
    page = client.search_registered_models(query, max_results=2, order_by=["name DESC"])
    seen = [m.name for m in page]
    while page.token:
        page = client.search_registered_models(
            query, max_results=2, order_by=["name DESC"], page_token=page.token
        )
        seen += [m.name for m in page]
    assert seen == list(reversed(names))
    found = mlflow.search_registered_models(filter_string=f"tags.group = '{unique_name}'")
    assert sorted(m.name for m in found) == names


def test_search_model_versions_pages(client: MlflowClient, unique_name: str, run_id: str) -> None:
    client.create_registered_model(unique_name)
    for _ in range(5):
        client.create_model_version(unique_name, f"runs:/{run_id}/m", run_id)
    query = f"name = '{unique_name}'"
    page = client.search_model_versions(query, max_results=2, order_by=["version_number ASC"])
    seen = [v.version for v in page]
    while page.token:
        page = client.search_model_versions(
            query, max_results=2, order_by=["version_number ASC"], page_token=page.token
        )
        seen += [v.version for v in page]
    assert seen == ["1", "2", "3", "4", "5"]
    fluent = mlflow.search_model_versions(filter_string=f"{query} AND run_id = '{run_id}'")
    assert len(fluent) == 5


@pytest.mark.parametrize(
    "source",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "relative/path",
        "mlflow-artifacts:/0/../../etc",
        "mlflow-artifacts:/0/%2e%2e/%2e%2e/etc",
        pytest.param("s3://elsewhere/model", marks=pytest.mark.runhub_only),
    ],
)
def test_unsafe_sources_are_refused(
    client: MlflowClient, unique_name: str, run_id: str, source: str
) -> None:
    client.create_registered_model(unique_name)
    assert _error(client.create_model_version, unique_name, source, run_id) == (
        "INVALID_PARAMETER_VALUE"
    )


def test_source_in_another_run_is_refused(
    client: MlflowClient, experiment_id: str, unique_name: str, run_id: str
) -> None:
    other = client.create_run(experiment_id).info
    client.create_registered_model(unique_name)
    code = _error(client.create_model_version, unique_name, f"{other.artifact_uri}/m", run_id)
    assert code == "INVALID_PARAMETER_VALUE"
    version = client.create_model_version(unique_name, f"{other.artifact_uri}/m", other.run_id)
    assert version.version == "1"
