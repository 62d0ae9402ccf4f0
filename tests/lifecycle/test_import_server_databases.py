"""``runhub import-mlflow`` from MLflow databases on PostgreSQL and MariaDB.

The stock client writes every kind of entity straight into a fresh PostgreSQL database
(``postgresql+psycopg``) or MariaDB database (``mysql+pymysql``); runhub imports it (into
PostgreSQL and SQLite respectively), and what the stock client reads from MLflow's own server
on the source is compared field by field with what it reads from runhub.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient

from tests.fixtures.databases import fresh_database_url
from tests.fixtures.live_server import runhub_server
from tests.lifecycle.compare import (
    compare_experiments_and_runs,
    compare_logged_models,
    compare_registry,
    compare_traces,
)
from tests.lifecycle.importing import build_source, counts, mlflow_server, run_import

# One worker builds this module's MLflow source once (make test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("import-server-databases")

# (source backend, destination backend)
PAIRS = [
    pytest.param(("postgresql", "postgresql"), marks=pytest.mark.postgres, id="postgresql"),
    pytest.param(("mariadb", "sqlite"), marks=pytest.mark.mysql, id="mariadb"),
]


@pytest.fixture(scope="module", params=PAIRS)
def clients(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    source_backend, dest_backend = request.param
    root: Path = tmp_path_factory.mktemp(f"mlflow-{source_backend}")
    for source in fresh_database_url(source_backend, str(root)):
        build_source(source, root)
        for dest in fresh_database_url(dest_backend, str(root)):
            result = run_import(source, dest)
            assert result.exit_code == 0, result.output
            assert "MISSING" not in result.output
            found = counts(result.output)
            assert found["metric points"] == ["76", "76"] and found["spans"] == ["3", "3"]
            again = run_import(source, dest)
            assert again.exit_code == 0 and "Copied 0 experiments, 0 runs" in again.output
            server_args = ("--backend-store-uri", dest)
            with (
                mlflow_server(source, root) as mlflow,
                runhub_server(root, str(root / "art"), *server_args) as runhub,
            ):
                yield (
                    MlflowClient(tracking_uri=mlflow.url, registry_uri=mlflow.url),
                    MlflowClient(tracking_uri=runhub.url, registry_uri=runhub.url),
                )


def test_experiments_and_runs_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    compare_experiments_and_runs(*clients, runs=4)


def test_registry_and_logged_models_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    compare_registry(*clients)
    compare_logged_models(*clients)


def test_traces_and_assessments_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    assert compare_traces(*clients, traces=2) == 1
