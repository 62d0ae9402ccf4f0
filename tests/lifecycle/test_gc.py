"""``runhub gc`` on every backend: rows and artifacts of deleted items go, nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.artifacts import open_artifact_store
from runhub.cli.main import cli
from runhub.cli.server import prepare_database
from runhub.config import Settings
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.durations import parse_age
from runhub.lifecycle.gc import plan_gc, run_gc
from runhub.store.sql.db import Database
from runhub.store.tables import metadata
from tests.api.conftest import Api, make_client
from tests.fixtures.live_server import S3_ENV, moto_s3, s3_client

V3 = "/api/3.0/mlflow/"


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[Api, str, Path]]:
    for client in make_client(database_url, tmp_path):
        yield Api(client), database_url, tmp_path / "art"


def _upload(api: Api, artifact_uri: str, name: str) -> None:
    path = artifact_uri.removeprefix("mlflow-artifacts:/")
    response = api.client.put(f"/api/2.0/mlflow-artifacts/artifacts/{path}/{name}", content=b"x")
    assert response.status_code == 200, response.text


def _full_run(api: Api, exp_id: str, name: str) -> dict[str, Any]:
    run = api.post("runs/create", {"experiment_id": exp_id, "run_name": name})["run"]["info"]
    run_id = run["run_id"]
    metrics = [
        {"key": "loss", "value": 1.0 / (i + 1), "timestamp": 1000 + i, "step": i} for i in range(5)
    ]
    api.post(
        "runs/log-batch",
        {
            "run_id": run_id,
            "metrics": metrics,
            "params": [{"key": "lr", "value": "0.1"}],
            "tags": [{"key": "team", "value": "a"}],
        },
    )
    dataset = {
        "name": "d",
        "digest": "abc",
        "source_type": "local",
        "source": "{}",
    }
    inputs = [{"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": "train"}]}]
    api.post("runs/log-inputs", {"run_id": run_id, "datasets": inputs})
    _upload(api, run["artifact_uri"], "model.txt")
    return dict(run)


def _trace(api: Api, exp_id: str, run_id: str) -> str:
    info = {
        "trace_id": "tr-" + run_id,
        "trace_location": {
            "type": "MLFLOW_EXPERIMENT",
            "mlflow_experiment": {"experiment_id": exp_id},
        },
        "request_time": "2024-01-01T00:00:00Z",
        "execution_duration": "1s",
        "state": "OK",
        "tags": {"k": "v"},
        "trace_metadata": {"mlflow.sourceRun": run_id},
    }
    response = api.client.post(V3 + "traces", json={"trace": {"trace_info": info}})
    assert response.status_code == 200, response.text
    trace_id = str(response.json()["trace"]["trace_info"]["trace_id"])
    api.post("traces/link-to-run", {"trace_ids": [trace_id], "run_id": run_id})
    return trace_id


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def _gc(url: str, art: Path, *extra: str) -> Any:
    args = ["gc", "--backend-store-uri", url, "--artifacts-destination", str(art), *extra]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and ".runhub-staging" not in p.parts
    )


def test_gc_removes_every_row_and_artifact_and_frees_the_name(
    served: tuple[Api, str, Path],
) -> None:
    api, url, art = served
    baseline = _row_counts(url)
    doomed = str(api.post("experiments/create", {"name": "doomed"})["experiment_id"])
    kept = str(api.post("experiments/create", {"name": "kept"})["experiment_id"])
    doomed_run = _full_run(api, doomed, "a")
    _trace(api, doomed, doomed_run["run_id"])
    model = api.post("logged-models", {"experiment_id": doomed, "name": "m"})["model"]["info"]
    _upload(api, model["artifact_uri"], "MLmodel")
    kept_run = _full_run(api, kept, "b")
    deleted_run = _full_run(api, kept, "c")
    kept_trace = _trace(api, kept, deleted_run["run_id"])
    kept_model = api.post("logged-models", {"experiment_id": kept, "name": "m2"})["model"]["info"]
    _upload(api, kept_model["artifact_uri"], "MLmodel")
    response = api.client.delete(f"/api/2.0/mlflow/logged-models/{kept_model['model_id']}")
    assert response.status_code == 200, response.text
    api.post("runs/delete", {"run_id": deleted_run["run_id"]})
    api.post("experiments/delete", {"experiment_id": doomed})

    dry = _gc(url, art, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would remove run {deleted_run['run_id']}" in dry.output
    assert f"would remove experiment {doomed}" in dry.output
    assert f"would remove logged model {kept_model['model_id']}" in dry.output
    assert any(doomed_run["run_id"] in f for f in _files(art))

    result = _gc(url, art)
    assert result.exit_code == 0, result.output
    assert "removed 2 runs, 2 logged models, 1 experiments and 1 traces" in result.output

    after = _row_counts(url)
    # Only the kept experiment, its live run and the trace of the removed run remain.
    expected = dict(baseline)
    expected.update(
        experiments=baseline["experiments"] + 1,
        runs=1,
        params=1,
        tags=after["tags"],
        metric_series=1,
        metric_points=5,
        datasets=1,
        dataset_inputs=1,
        input_tags=1,
        trace_info=1,
        trace_tags=after["trace_tags"],
        trace_metadata=after["trace_metadata"],
    )
    assert after == expected
    assert after["tags"] >= 1 and after["trace_tags"] >= 1
    files = _files(art)
    assert len(files) == 1 and kept_run["run_id"] in files[0] and files[0].endswith("model.txt")
    # The trace of a removed run stays (it belongs to a live experiment), without its run link.
    assert kept_trace in str(api.get(f"traces/{kept_trace}/info"))
    again = api.post("experiments/create", {"name": "doomed"})
    assert again["experiment_id"] != doomed
    api.get("runs/get", {"run_id": deleted_run["run_id"]}, status=404)
    api.get("runs/get", {"run_id": kept_run["run_id"]})


def test_gc_refuses_live_items_and_bad_ages(served: tuple[Api, str, Path]) -> None:
    api, url, art = served
    exp = str(api.post("experiments/create", {"name": "live"})["experiment_id"])
    run = api.post("runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    refused = _gc(url, art, "--run-ids", run)
    assert refused.exit_code == 1 and "not in the deleted lifecycle stage" in refused.output
    unknown = _gc(url, art, "--experiment-ids", "424242")
    assert unknown.exit_code == 1 and "does not exist" in unknown.output
    bad = _gc(url, art, "--older-than", "yesterday")
    assert bad.exit_code == 1 and "#d#h#m#s" in bad.output
    api.post("runs/delete", {"run_id": run})
    young = _gc(url, art, "--older-than", "1d")
    assert young.exit_code == 0 and "removed 0 runs" in young.output
    chosen = _gc(url, art, "--run-ids", run)
    assert chosen.exit_code == 0 and "removed 1 runs" in chosen.output
    api.get("runs/get", {"run_id": run}, status=404)


def test_interrupted_gc_resumes(sqlite_url: str, tmp_path: Path) -> None:
    for client in make_client(sqlite_url, tmp_path):
        api = Api(client)
        exp = str(api.post("experiments/create", {"name": "big"})["experiment_id"])
        run_ids = [_full_run(api, exp, f"r{i}")["run_id"] for i in range(5)]
        api.post("experiments/delete", {"experiment_id": exp})
    db = Database(sqlite_url)
    cleaner = ArtifactCleaner(open_artifact_store(str(tmp_path / "art")))

    def stop_after_first_batch(_kind: str, _count: int) -> None:
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            run_gc(db, plan_gc(db), cleaner, stop_after_first_batch, batch_size=2)
        assert 0 < _row_counts(sqlite_url)["runs"] < 5
        resumed = _gc(sqlite_url, tmp_path / "art")
        assert resumed.exit_code == 0, resumed.output
    finally:
        db.dispose()
    counts = _row_counts(sqlite_url)
    assert counts["runs"] == 0 and counts["metric_points"] == 0 and counts["datasets"] == 0
    assert not any(r in f for r in run_ids for f in _files(tmp_path / "art"))


@pytest.mark.parametrize(
    ("text", "seconds"), [("1d2h3m4s", 93_784.0), ("12h", 43_200.0), ("1.5m", 90.0)]
)
def test_ages(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds
    for bad in ("", "1x", "2s1d", "1d1d", "d"):
        with pytest.raises(ValueError):
            parse_age(bad)


def test_gc_deletes_artifacts_on_s3(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    with moto_s3(tmp_path) as moto:
        s3: Any = s3_client(moto.url)
        s3.create_bucket(Bucket="runhub-gc")
        monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", moto.url)
        destination = "s3://runhub-gc/root"
        settings = Settings(
            backend_store_uri=sqlite_url,
            artifacts_destination=destination,
            s3_endpoint_url=moto.url,
        )
        prepare_database(settings)
        with TestClient(create_app(settings), base_url="http://localhost") as client:
            api = Api(client)
            exp = str(api.post("experiments/create", {"name": "s3"})["experiment_id"])
            gone = _full_run(api, exp, "gone")
            kept = _full_run(api, exp, "kept")
            api.post("runs/delete", {"run_id": gone["run_id"]})

        def keys() -> list[str]:
            listing = s3.list_objects_v2(Bucket="runhub-gc", Prefix="root/")
            return sorted(o["Key"] for o in listing.get("Contents", []))

        assert any(gone["run_id"] in k for k in keys())
        result = CliRunner().invoke(
            cli,
            ["gc", "--backend-store-uri", sqlite_url, "--artifacts-destination", destination],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert keys() == [f"root/{exp}/{kept['run_id']}/artifacts/model.txt"]


def test_gc_drops_dataset_links_of_a_removed_experiment(served: tuple[Api, str, Path]) -> None:
    api, url, art = served
    doomed = str(api.post("experiments/create", {"name": "ds-doomed"})["experiment_id"])
    kept = str(api.post("experiments/create", {"name": "ds-kept"})["experiment_id"])
    v3 = Api(api.client, "/api/3.0/mlflow/")
    only = v3.post("datasets/create", {"name": "only", "experiment_ids": [doomed]})["dataset"]
    shared = v3.post("datasets/create", {"name": "both", "experiment_ids": [doomed, kept]})
    records = {"records": '[{"inputs": {"q": 1}}]'}
    v3.post(f"datasets/{only['dataset_id']}/records", records)
    api.post("experiments/delete", {"experiment_id": doomed})

    result = _gc(url, art)
    assert result.exit_code == 0, result.output
    counts = _row_counts(url)
    assert counts["evaluation_dataset_experiments"] == 1
    assert counts["evaluation_datasets"] == 2 and counts["evaluation_dataset_records"] == 1
    shared_id = shared["dataset"]["dataset_id"]
    assert v3.get(f"datasets/{shared_id}/experiment-ids") == {"experiment_ids": [kept]}
    assert v3.get(f"datasets/{only['dataset_id']}/experiment-ids") == {}
