"""``runhub import-mlflow`` from data written by real MLflow 2.x clients (old schemas).

``mlflow2_source.py`` runs under a virtualenv with MLflow 2.0.1 or 2.22.5 (``make mlflow2``
builds them; ``make test`` does too): it writes a SQLite database or an ``mlruns`` directory
with that version's own client and dumps what that client reads back. runhub imports it, and
the same dump taken through runhub with today's stock client must be equal, field by field.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient

from tests.fixtures.live_server import runhub_server
from tests.lifecycle.importing import counts, run_import
from tests.lifecycle.mlflow2_source import dump

# One worker builds this module's MLflow source once (make test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("import-mlflow2")

REPO = Path(__file__).resolve().parents[2]
BUILDER = Path(__file__).with_name("mlflow2_source.py")
# (MLflow version, where its client writes)
SOURCES = [(v, kind) for v in ("2.0.1", "2.22.5") for kind in ("sqlite", "mlruns")]
# Added by the import: runhub keeps every imported trace's spans in its database.
SPANS_LOCATION_TAG = "mlflow.trace.spansLocation"
REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId"


def _build(version: str, kind: str, root: Path) -> tuple[str, dict[str, Any]]:
    python = REPO / f".venv-mlflow-{version}" / "bin" / "python"
    if not python.exists():
        pytest.fail(f"{python} is missing: run `make mlflow2` (make test does)")
    uri = f"sqlite:///{root / 'mlflow.db'}" if kind == "sqlite" else str(root / "mlruns")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MLFLOW_"))}
    done = subprocess.run(
        [str(python), str(BUILDER), uri, str(root / "artifacts"), str(root / "dump.json")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    written: dict[str, Any] = json.loads((root / "dump.json").read_text())
    assert written.pop("version") == version
    return uri, written


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: "-".join(p))
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(what MLflow 2.x read from its store, the same read from runhub after the import)."""
    version, kind = request.param
    root = tmp_path_factory.mktemp(f"mlflow-{version}-{kind}")
    source, want = _build(version, kind, root)
    result = run_import(source, f"sqlite:///{root / 'runhub.db'}")
    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output
    found = counts(result.output)
    assert found["runs"] == ["4", "4"] and found["metric points"][1] == "61"
    registry = kind == "sqlite" or version != "2.0.1"  # the file store's registry came later
    assert found["model versions"] == (["2", "2"] if registry else ["0", "0"])
    if version != "2.0.1":  # tracing came in 2.14; its spans were artifacts then
        assert found["traces"] == ["1", "1"] and found["spans"][1] == "2"
    again = run_import(source, f"sqlite:///{root / 'runhub.db'}")
    assert "Copied 0 experiments, 0 runs" in again.output
    with runhub_server(root, str(root / "art")) as server:
        got = dump(MlflowClient(tracking_uri=server.url, registry_uri=server.url))
    for trace in got["traces"]:
        trace["tags"].pop(SPANS_LOCATION_TAG)
    yield want, got


def test_experiments_match(imported: tuple[dict[str, Any], dict[str, Any]]) -> None:
    want, got = imported
    key = "experiment_id"
    assert sorted(got["experiments"], key=lambda e: e[key]) == sorted(
        want["experiments"], key=lambda e: e[key]
    )
    assert len(want["experiments"]) == 3


def test_runs_metrics_params_tags_and_inputs_match(
    imported: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    want, got = imported
    want_runs = {r["run_id"]: r for r in want["runs"]}
    got_runs = {r["run_id"]: r for r in got["runs"]}
    assert got_runs.keys() == want_runs.keys() and len(want_runs) == 4
    for run_id, run in want_runs.items():
        assert got_runs[run_id] == run


def test_registry_matches(imported: tuple[dict[str, Any], dict[str, Any]]) -> None:
    want, got = imported
    by_name = {m["name"]: m for m in got["registered_models"]}
    assert by_name.keys() == {m["name"] for m in want["registered_models"]}
    for model in want["registered_models"]:
        assert by_name[model["name"]] == model


def test_traces_and_their_spans_match(imported: tuple[dict[str, Any], dict[str, Any]]) -> None:
    want, got = imported
    assert len(got["traces"]) == len(want["traces"])
    for got_trace, want_trace in zip(got["traces"], want["traces"], strict=True):
        for span in got_trace["spans"]:
            # Today's client names a span's trace after its OpenTelemetry trace id when spans
            # come from a server; MLflow 2.x request ids were random, so only that one differs.
            request_id = span["attributes"].pop(REQUEST_ID_ATTRIBUTE)
            assert request_id.startswith("tr-")
        for span in want_trace["spans"]:
            assert span["attributes"].pop(REQUEST_ID_ATTRIBUTE) == want_trace["trace_id"]
        assert got_trace.pop("spans") == want_trace.pop("spans")
        assert got_trace == want_trace
