"""``runhub import-mlflow ./mlruns``: an MLflow file store written by the stock client.

The stock client reads MLflow's server on the file store and a live runhub serving the import;
experiments, runs (with full metric histories and dataset inputs), the registry, logged models
and traces (spans, tags, metadata, assessments) must match field by field.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mlflow import MlflowClient

from tests.fixtures.live_server import runhub_server
from tests.lifecycle.compare import (
    compare_experiments_and_runs,
    compare_logged_models,
    compare_registry,
    compare_traces,
)
from tests.lifecycle.importing import build_source, counts, mlflow_server, run_import

# One worker builds this module's MLflow source once (make test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("import-mlruns")


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    root = tmp_path_factory.mktemp("mlruns-source")
    mlruns = root / "mlruns"
    build_source(str(mlruns), root)
    tmp = tmp_path_factory.mktemp("runhub")
    result = run_import(f"file://{mlruns}", f"sqlite:///{tmp / 'runhub.db'}")
    assert result.exit_code == 0, result.output
    found = counts(result.output)
    assert found["runs"] == ["4", "4"] and found["metric points"] == ["76", "76"]
    assert found["dataset inputs"] == ["3", "3"]
    assert found["traces"] == ["2", "2"] and found["spans"] == ["3", "3"]
    assert found["assessments"] == ["4", "4"]
    with mlflow_server(str(mlruns), tmp) as mlflow, runhub_server(tmp, str(tmp / "art")) as runhub:
        yield (
            MlflowClient(tracking_uri=mlflow.url, registry_uri=mlflow.url),
            MlflowClient(tracking_uri=runhub.url, registry_uri=runhub.url),
        )


def test_mlruns_experiments_and_runs_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    compare_experiments_and_runs(*clients, runs=4)


def test_mlruns_registry_and_logged_models_match(
    clients: tuple[MlflowClient, MlflowClient],
) -> None:
    compare_registry(*clients)
    compare_logged_models(*clients)


def test_mlruns_traces_spans_and_assessments_match(
    clients: tuple[MlflowClient, MlflowClient],
) -> None:
    assert compare_traces(*clients, traces=2) == 0  # the file store keeps no links
