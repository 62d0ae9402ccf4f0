"""``runhub import-mlflow`` from a real MLflow SQLite database written by the stock client.

What the stock client reads from MLflow's own store is compared, field by field, with what it
reads from a live runhub serving the imported database. Where MLflow's store and its REST
protocol differ in type only (alias versions as ints, a missing description as None), the
REST form is expected.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mlflow import MlflowClient
from mlflow.entities import ViewType
from sqlalchemy import select

from runhub.cli.main import cli
from runhub.store.sql.db import Database
from runhub.store.sql.purge import purge_runs, purge_traces
from runhub.store.tables import runs
from runhub.store.trace_tables import trace_info
from tests.api.conftest import Api, make_client
from tests.fixtures.live_server import runhub_server

SOURCE_SCRIPT = Path(__file__).with_name("mlflow_source.py")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An MLflow SQLite database with every kind of entity, written by the stock client."""
    root = tmp_path_factory.mktemp("mlflow-source")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    done = subprocess.run(
        [sys.executable, str(SOURCE_SCRIPT), uri, str(root / "artifacts")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return uri


def _import(source: str, dest: str) -> Any:
    return CliRunner().invoke(
        cli, ["import-mlflow", source, "--backend-store-uri", dest], catch_exceptions=False
    )


@pytest.fixture(scope="module")
def clients(
    source: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    """(MLflow's store, a live runhub on the imported copy), both read by the stock client."""
    tmp = tmp_path_factory.mktemp("runhub")
    result = _import(source, f"sqlite:///{tmp / 'runhub.db'}")
    assert result.exit_code == 0, result.output
    with runhub_server(tmp, str(tmp / "mlartifacts")) as server:
        yield (
            MlflowClient(tracking_uri=source, registry_uri=source),
            MlflowClient(tracking_uri=server.url, registry_uri=server.url),
        )


def test_import_reports_matching_counts_and_is_idempotent(
    source: str, database_url: str, tmp_path: Path
) -> None:
    first = _import(source, database_url)
    assert first.exit_code == 0, first.output
    assert "MISSING" not in first.output
    assert "Copied 3 experiments, 4 runs, 1 logged models, 2 registered models, 1 traces." in (
        first.output
    )
    lines = {line.split()[0] + line.split()[1]: line.split()[-2:] for line in _table(first.output)}
    assert lines["metricpoints"] == ["76", "76"]
    again = _import(source, database_url)
    assert again.exit_code == 0, again.output
    assert "Copied 0 experiments, 0 runs, 0 logged models, 0 registered models, 0 traces." in (
        again.output
    )
    # New experiments are numbered after the imported ones on every backend.
    for client in make_client(database_url, tmp_path):
        api = Api(client)
        created = api.post("experiments/create", {"name": "after-import"})["experiment_id"]
        assert int(created) == 3


def _table(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("entity"))
    return [line for line in lines[start + 1 :] if len(line.split()) >= 3]


def _same_floats(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _history(client: MlflowClient, run_id: str, key: str) -> list[tuple[int, int, str]]:
    return sorted(
        (m.step, m.timestamp, repr(m.value)) for m in client.get_metric_history(run_id, key)
    )


def test_experiments_and_runs_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    mlflow_side, runhub_side = clients
    want = mlflow_side.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    got = runhub_side.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    fields = ("experiment_id", "name", "artifact_location", "lifecycle_stage", "tags")
    assert [[getattr(e, f) for f in fields] for e in got] == [
        [getattr(e, f) for f in fields] for e in want
    ]
    exp_ids = [e.experiment_id for e in want]
    want_runs = mlflow_side.search_runs(
        exp_ids, run_view_type=ViewType.ALL, order_by=["attribute.run_name"]
    )
    got_runs = runhub_side.search_runs(
        exp_ids, run_view_type=ViewType.ALL, order_by=["attribute.run_name"]
    )
    assert len(got_runs) == len(want_runs) == 4
    for w, g in zip(want_runs, got_runs, strict=True):
        assert g.info.to_proto() == w.info.to_proto()
        assert g.data.params == w.data.params
        assert g.data.tags == w.data.tags
        assert g.data.metrics.keys() == w.data.metrics.keys()
        for key, value in w.data.metrics.items():
            assert _same_floats(g.data.metrics[key], value)
            assert _history(runhub_side, g.info.run_id, key) == _history(
                mlflow_side, w.info.run_id, key
            )
        assert [
            (d.dataset.name, d.dataset.digest, d.dataset.source, d.dataset.schema, d.tags)
            for d in g.inputs.dataset_inputs
        ] == [
            (d.dataset.name, d.dataset.digest, d.dataset.source, d.dataset.schema, d.tags)
            for d in w.inputs.dataset_inputs
        ]


def test_registry_and_logged_models_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    mlflow_side, runhub_side = clients
    want = {m.name: m for m in mlflow_side.search_registered_models()}
    got = {m.name: m for m in runhub_side.search_registered_models()}
    assert got.keys() == want.keys()
    for name, w in want.items():
        g = got[name]
        # MLflow's store gives alias versions as ints; over REST they are strings.
        aliases = {k: str(v) for k, v in w.aliases.items()}
        assert (g.description, g.tags, g.aliases) == (w.description or "", w.tags, aliases)
        assert (g.creation_timestamp, g.last_updated_timestamp) == (
            w.creation_timestamp,
            w.last_updated_timestamp,
        )
        fields = ("version", "source", "run_id", "status", "current_stage", "tags", "description")
        want_versions = mlflow_side.search_model_versions(f"name = '{name}'")
        got_versions = runhub_side.search_model_versions(f"name = '{name}'")
        assert sorted([str(getattr(v, f)) for f in fields] for v in got_versions) == sorted(
            [str(getattr(v, f)) for f in fields] for v in want_versions
        )
    assert runhub_side.get_model_version_by_alias("digits-clf", "champion").version == "1"
    exp_ids = [e.experiment_id for e in mlflow_side.search_experiments()]
    want_models = mlflow_side.search_logged_models(exp_ids)
    got_models = runhub_side.search_logged_models(exp_ids)
    fields = (
        "model_id",
        "name",
        "experiment_id",
        "artifact_location",
        "status",
        "model_type",
        "source_run_id",
        "params",
        "tags",
        "creation_timestamp",
    )
    assert [[getattr(m, f) for f in fields] for m in got_models] == [
        [getattr(m, f) for f in fields] for m in want_models
    ]


def test_traces_and_assessments_match(clients: tuple[MlflowClient, MlflowClient]) -> None:
    mlflow_side, runhub_side = clients
    exp_ids = [e.experiment_id for e in mlflow_side.search_experiments()]
    want = mlflow_side.search_traces(exp_ids)
    got = runhub_side.search_traces(exp_ids)
    assert [t.info.trace_id for t in got] == [t.info.trace_id for t in want] != []
    w, g = want[0], got[0]
    assert (g.info.request_time, g.info.execution_duration, g.info.state) == (
        w.info.request_time,
        w.info.execution_duration,
        w.info.state,
    )
    assert g.info.tags["quality"] == w.info.tags["quality"] == "good"
    assert g.info.trace_metadata == w.info.trace_metadata
    assert sorted((a.name, a.value, a.source.source_type) for a in g.info.assessments) == sorted(
        (a.name, a.value, a.source.source_type) for a in w.info.assessments
    )
    full = runhub_side.get_trace(w.info.trace_id)
    original = mlflow_side.get_trace(w.info.trace_id)
    assert sorted((s.name, s.span_id, s.parent_id, str(s.span_type)) for s in full.data.spans) == (
        sorted((s.name, s.span_id, s.parent_id, str(s.span_type)) for s in original.data.spans)
    )
    by_name = {s.name: s for s in full.data.spans}
    assert by_name["predict"].inputs == {"x": 1} and by_name["predict"].outputs == {"y": 2}
    assert by_name["inner"].attributes["model"] == "m1"


def test_interrupted_import_is_finished_by_running_it_again(source: str, tmp_path: Path) -> None:
    dest = f"sqlite:///{tmp_path / 'r.db'}"
    assert _import(source, dest).exit_code == 0
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
    resumed = _import(source, dest)
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
    result = CliRunner().invoke(
        cli, ["import-mlflow", source, "--backend-store-uri", dest, *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "3 artifact files" in result.output  # one notes/readme.txt per run
    again = CliRunner().invoke(
        cli, ["import-mlflow", source, "--backend-store-uri", dest, *args], catch_exceptions=False
    )
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
