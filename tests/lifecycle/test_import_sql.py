"""``runhub import-mlflow`` from a real MLflow SQLite database written by the stock client.

What the stock client reads from MLflow's own store is compared, field by field, with what it
reads from a live runhub serving the imported database (see ``compare.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient
from sqlalchemy import select

from runhub.store.sql.db import Database
from runhub.store.sql.purge import purge_runs, purge_traces
from runhub.store.tables import runs
from runhub.store.trace_tables import trace_info
from tests.api.conftest import Api, make_client
from tests.fixtures.live_server import runhub_server
from tests.lifecycle.compare import (
    compare_experiments_and_runs,
    compare_logged_models,
    compare_registry,
    compare_traces,
)
from tests.lifecycle.importing import build_source, counts, mlflow_server, run_import

# One worker builds this module's MLflow source once (make test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("import-sqlite")

FIRST_COPY = "Copied 3 experiments, 4 runs, 1 logged models, 2 registered models, 2 traces."
NOTHING_COPIED = "Copied 0 experiments, 0 runs, 0 logged models, 0 registered models, 0 traces."


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An MLflow SQLite database with every kind of entity, written by the stock client."""
    root = tmp_path_factory.mktemp("mlflow-source")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    build_source(uri, root)
    return uri


@pytest.fixture(scope="module")
def clients(
    source: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    """(MLflow's server on the source, runhub on the imported copy), for the stock client."""
    tmp = tmp_path_factory.mktemp("runhub")
    result = run_import(source, f"sqlite:///{tmp / 'runhub.db'}")
    assert result.exit_code == 0, result.output
    with mlflow_server(source, tmp) as mlflow, runhub_server(tmp, str(tmp / "art")) as runhub:
        yield (
            MlflowClient(tracking_uri=mlflow.url, registry_uri=mlflow.url),
            MlflowClient(tracking_uri=runhub.url, registry_uri=runhub.url),
        )


def test_import_reports_matching_counts_and_is_idempotent(
    source: str, database_url: str, tmp_path: Path
) -> None:
    first = run_import(source, database_url)
    assert first.exit_code == 0, first.output
    assert "MISSING" not in first.output
    assert FIRST_COPY in first.output
    found = counts(first.output)
    assert found["metric points"] == ["76", "76"]
    assert found["traces"] == ["2", "2"] and found["assessments"] == ["4", "4"]
    again = run_import(source, database_url)
    assert again.exit_code == 0, again.output
    assert NOTHING_COPIED in again.output
    # New experiments are numbered after the imported ones on every backend.
    for client in make_client(database_url, tmp_path):
        api = Api(client)
        created = api.post("experiments/create", {"name": "after-import"})["experiment_id"]
        assert int(created) == 3


def test_experiments_and_runs_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    compare_experiments_and_runs(*clients, runs=4)


def test_registry_and_logged_models_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    compare_registry(*clients)
    compare_logged_models(*clients)


def test_traces_and_assessments_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    assert compare_traces(*clients, traces=2) == 1


def test_interrupted_import_is_finished_by_running_it_again(source: str, tmp_path: Path) -> None:
    dest = f"sqlite:///{tmp_path / 'r.db'}"
    assert run_import(source, dest).exit_code == 0
    # An import cut short: one run and one trace never arrived. (Their rows are removed
    # directly: purging through the API would also delete the source's artifact files.)
    db = Database(dest)
    try:
        with db.read() as conn:
            run_pk = conn.execute(select(runs.c.run_pk).limit(1)).scalar_one()
            trace_id = conn.execute(select(trace_info.c.trace_id).limit(1)).scalar_one()
        db.run_write(purge_runs, [run_pk])
        db.run_write(purge_traces, [trace_id])
    finally:
        db.dispose()
    resumed = run_import(source, dest)
    assert resumed.exit_code == 0, resumed.output
    assert "Copied 0 experiments, 1 runs, 0 logged models, 0 registered models, 1 traces." in (
        resumed.output
    )
    assert "MISSING" not in resumed.output


def test_copy_artifacts_moves_them_into_the_destination(
    source: str, database_url: str, tmp_path: Path
) -> None:
    dest = database_url
    art = tmp_path / "art"
    args = ["--copy-artifacts", "--artifacts-destination", str(art)]
    result = run_import(source, dest, *args)
    assert result.exit_code == 0, result.output
    assert "3 artifact files" in result.output  # one notes/readme.txt per run
    again = run_import(source, dest, *args)
    assert "0 artifact files" in again.output
    for client in make_client(dest, tmp_path):
        api = Api(client)
        runs = api.post("runs/search", {"experiment_ids": ["1"], "run_view_type": "ALL"})["runs"]
        assert len(runs) == 3
        for run in runs:
            uri = run["info"]["artifact_uri"]
            assert uri == f"mlflow-artifacts:/1/{run['info']['run_id']}/artifacts"
            path = uri.removeprefix("mlflow-artifacts:/") + "/notes/readme.txt"
            body = client.get(f"/api/2.0/mlflow-artifacts/artifacts/{path}")
            assert body.status_code == 200 and body.text.startswith("hello ")
        exp = api.get("experiments/get", {"experiment_id": "1"})["experiment"]
        assert exp["artifact_location"] == "mlflow-artifacts:/1"
