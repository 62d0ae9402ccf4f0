"""The command line on a file store: what starts it, and what needs a database instead."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from tests.cli.test_server_cli import one_line_error, runhub
from tests.filestore.conftest import Api, file_store_server, mlflow_filestore


def test_a_new_path_becomes_an_mlruns_tree(tmp_path: Path) -> None:
    root = tmp_path / "new" / "mlruns"
    with file_store_server(tmp_path, root) as server:
        default = Api(server.url).call("GET", "experiments/get", params={"experiment_id": "0"})
    assert default["experiment"]["name"] == "Default"
    assert default["experiment"]["artifact_location"] == f"{root.resolve().as_uri()}/0"
    assert (root / "0" / "meta.yaml").is_file() and (root / ".trash").is_dir()


def test_file_uri_and_default_artifact_root(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(
        tmp_path, Path(root.as_uri()), "--default-artifact-root", "mlflow-artifacts:/"
    ) as server:
        api = Api(server.url)
        exp_id = api.call("POST", "experiments/create", {"name": "proxied"})["experiment_id"]
        exp = api.call("GET", "experiments/get", params={"experiment_id": exp_id})["experiment"]
    assert exp["artifact_location"] == f"mlflow-artifacts:/{exp_id}"
    assert (root / exp_id / "meta.yaml").is_file()


def test_basic_auth_needs_a_database(tmp_path: Path) -> None:
    result = runhub(
        "server", "--backend-store-uri", str(tmp_path / "mlruns"), "--app-name", "basic-auth"
    )
    assert result.returncode != 0
    line = one_line_error(result)
    assert "basic-auth" in line and "sqlite:///mlflow.db" in line


def test_a_file_is_not_taken_for_an_mlruns_tree(tmp_path: Path) -> None:
    (tmp_path / "mlflow.db").write_bytes(b"")
    result = runhub("server", "--backend-store-uri", str(tmp_path / "mlflow.db"))
    assert result.returncode != 0
    assert "sqlite:///" in one_line_error(result)


def test_db_upgrade_refuses_a_file_store(tmp_path: Path) -> None:
    result = runhub("db", "upgrade", str(tmp_path / "mlruns"))
    assert "file store" in one_line_error(result)


def test_gc_removes_deleted_runs_and_trashed_experiments(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        keep_exp = api.call("POST", "experiments/create", {"name": "keep"})["experiment_id"]
        kept = api.call("POST", "runs/create", {"experiment_id": keep_exp})["run"]["info"]
        gone = api.call("POST", "runs/create", {"experiment_id": keep_exp})["run"]["info"]
        api.call("POST", "runs/delete", {"run_id": gone["run_id"]})
        doomed = api.call("POST", "experiments/create", {"name": "doomed"})["experiment_id"]
        api.call("POST", "runs/create", {"experiment_id": doomed})
        api.call("POST", "experiments/delete", {"experiment_id": doomed})
    gone_artifacts = Path(urlparse(gone["artifact_uri"]).path)
    (gone_artifacts / "model.bin").write_bytes(b"x")

    dry = runhub("gc", "--backend-store-uri", str(root), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would remove run {gone['run_id']}" in dry.stdout
    assert f"would remove experiment {doomed}" in dry.stdout
    assert (root / keep_exp / gone["run_id"]).is_dir()

    done = runhub("gc", "--backend-store-uri", root.as_uri())
    assert done.returncode == 0, done.stderr
    assert not (root / keep_exp / gone["run_id"]).exists()
    assert not (root / ".trash" / doomed).exists()
    assert (root / keep_exp / kept["run_id"] / "meta.yaml").is_file()
    seen = mlflow_filestore("read", root)
    assert set(seen) == {"0", keep_exp}
    assert list(seen[keep_exp]["runs"]) == [kept["run_id"]]

    live = runhub("gc", "--backend-store-uri", str(root), "--run-ids", kept["run_id"])
    assert "not in the deleted lifecycle stage" in one_line_error(live)
