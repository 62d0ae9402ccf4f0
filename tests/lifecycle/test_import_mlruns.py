"""``runhub import-mlflow ./mlruns``: an MLflow file store written by the stock client.

The stock client reads the file store directly and reads a live runhub serving the import;
experiments, runs (with full metric histories and dataset inputs) and the registry must match.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType

from tests.fixtures.live_server import runhub_server
from tests.lifecycle.test_import_sql import SOURCE_SCRIPT, _history, _import, _table

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    root = tmp_path_factory.mktemp("mlruns-source")
    mlruns = root / "mlruns"
    done = subprocess.run(
        [sys.executable, str(SOURCE_SCRIPT), str(mlruns), str(root / "artifacts")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    tmp = tmp_path_factory.mktemp("runhub")
    result = _import(f"file://{mlruns}", f"sqlite:///{tmp / 'runhub.db'}")
    assert result.exit_code == 0, result.output
    counts = {" ".join(line.split()[:-2]): line.split()[-2:] for line in _table(result.output)}
    assert counts["runs"] == ["4", "4"] and counts["metric points"] == ["76", "76"]
    assert counts["dataset inputs"] == ["3", "3"]
    with runhub_server(tmp, str(tmp / "mlartifacts")) as server:
        yield (
            MlflowClient(tracking_uri=str(mlruns), registry_uri=str(mlruns)),
            MlflowClient(tracking_uri=server.url, registry_uri=server.url),
        )


def test_mlruns_experiments_runs_and_registry_match(
    clients: tuple[MlflowClient, MlflowClient],
) -> None:
    files, runhub = clients
    fields = ("experiment_id", "name", "artifact_location", "lifecycle_stage", "tags")
    want = files.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    got = runhub.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    assert [[getattr(e, f) for f in fields] for e in got] == [
        [getattr(e, f) for f in fields] for e in want
    ]
    exp_ids = [e.experiment_id for e in want]
    order = ["attribute.run_name"]
    want_runs = files.search_runs(exp_ids, run_view_type=ViewType.ALL, order_by=order)
    got_runs = runhub.search_runs(exp_ids, run_view_type=ViewType.ALL, order_by=order)
    assert len(got_runs) == len(want_runs) == 4
    for w, g in zip(want_runs, got_runs, strict=True):
        assert g.info.to_proto() == w.info.to_proto()
        assert (g.data.params, g.data.tags) == (w.data.params, w.data.tags)
        for key in w.data.metrics:
            assert _history(runhub, g.info.run_id, key) == _history(files, w.info.run_id, key)
        assert sorted((d.dataset.digest, d.tags) for d in g.inputs.dataset_inputs) == sorted(
            (d.dataset.digest, d.tags) for d in w.inputs.dataset_inputs
        )
    model = runhub.get_registered_model("digits-clf")
    assert (model.description, model.tags, model.aliases) == (
        "desc",
        {"owner": "alice"},
        {"champion": "1"},
    )
    assert [v.version for v in runhub.search_model_versions("name = 'digits-clf'")] != []
    logged = runhub.search_logged_models(exp_ids)
    assert [(m.name, m.params, m.tags) for m in logged] == [
        (m.name, m.params, m.tags) for m in files.search_logged_models(exp_ids)
    ]
