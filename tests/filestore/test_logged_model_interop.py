"""Logged models (MLflow 3) in an ``mlruns`` tree: runhub and MLflow's FileStore read and write
each other's, and the stock client logs and loads a model kept in the tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_server_cli import one_line_error, runhub
from tests.filestore.conftest import Api, file_store_server, mlflow_filestore

T0 = 1_700_000_000_000


def _create(api: Api, exp_id: str, name: str, **extra: Any) -> str:
    body = {"experiment_id": exp_id, "name": name, **extra}
    return str(api.call("POST", "logged-models", body)["model"]["info"]["model_id"])


def test_mlflow_reads_models_runhub_wrote(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        exp_id = api.call("POST", "experiments/create", {"name": "models"})["experiment_id"]
        run_id = api.call("POST", "runs/create", {"experiment_id": exp_id})["run"]["info"]["run_id"]
        ready = _create(
            api,
            exp_id,
            "ready",
            model_type="sklearn",
            source_run_id=run_id,
            params=[{"key": "alpha", "value": "0.1"}, {"key": "opt/name", "value": "adam"}],
            tags=[{"key": "stage", "value": "dev"}],
        )
        api.call("PATCH", f"logged-models/{ready}/tags", {"tags": [{"key": "a/b", "value": "x"}]})
        points = [
            {"key": "acc", "value": 0.5, "timestamp": T0, "step": 0, "model_id": ready},
            {
                "key": "acc",
                "value": 0.8,
                "timestamp": T0 + 1,
                "step": 1,
                "model_id": ready,
                "dataset_name": "eval",
                "dataset_digest": "d2",
            },
        ]
        api.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": points})
        api.call("PATCH", f"logged-models/{ready}", {"status": "LOGGED_MODEL_READY"})
        pending = _create(api, exp_id, "pending")
        gone = _create(api, exp_id, "gone")
        api.call("DELETE", f"logged-models/{gone}")

    folder = root.resolve() / exp_id / "models" / ready
    assert (folder / "meta.yaml").is_file() and (folder / "params" / "opt" / "name").is_file()
    seen = mlflow_filestore("read-models", root)[exp_id]
    assert seen["searched"] == [pending, ready]  # by name; the deleted one is not found
    assert seen["ready"] == [ready]
    got = seen["models"][ready]
    assert got["name"] == "ready" and got["status"] == "READY"
    assert got["model_type"] == "sklearn" and got["source_run_id"] == run_id
    assert got["experiment_id"] == exp_id
    assert got["artifact_location"] == (folder / "artifacts").as_uri()
    assert got["params"] == {"alpha": "0.1", "opt/name": "adam"}
    assert got["tags"] == {"stage": "dev", "a/b": "x"}
    # MLflow keeps the latest point per dataset.
    assert got["metrics"] == [
        ["acc", 0.5, T0, 0, run_id, None, None],
        ["acc", 0.8, T0 + 1, 1, run_id, "eval", "d2"],
    ]
    assert seen["models"][pending]["status"] == "PENDING"
    assert seen["models"][pending]["source_run_id"] is None


def test_runhub_serves_and_changes_models_mlflow_wrote(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    ids = mlflow_filestore("write-models", root)
    exp_id, ready, pending = ids["experiment_id"], ids["ready"], ids["pending"]
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        info = api.call("GET", f"logged-models/{ready}")["model"]
        assert info["info"]["status"] == "LOGGED_MODEL_READY"
        assert info["info"]["name"] == "ready" and info["info"]["model_type"] == "sklearn"
        assert info["info"]["source_run_id"] == ids["run_id"]
        assert info["info"]["experiment_id"] == exp_id
        tags = {t["key"]: t["value"] for t in info["info"]["tags"]}
        assert tags == {"stage": "dev", "a/b": "deep"}
        params = {p["key"]: p["value"] for p in info["data"]["params"]}
        assert params == {"alpha": "0.1", "opt/name": "adam"}
        metrics = [
            (m["key"], m["value"], m["step"], m["run_id"], m.get("dataset_name"))
            for m in info["data"]["metrics"]
        ]
        assert metrics == [
            ("acc", 0.5, 0, ids["run_id"], None),
            ("acc", 0.8, 1, ids["run_id"], "eval"),
        ]

        found = api.call("POST", "logged-models/search", {"experiment_ids": [exp_id]})["models"]
        assert [m["info"]["model_id"] for m in found] == [pending, ready]  # newest first
        by_metric = api.call(
            "POST",
            "logged-models/search",
            {
                "experiment_ids": [exp_id],
                "filter": "metrics.acc > 0.6 AND params.alpha = '0.1'",
                "datasets": [{"dataset_name": "eval"}],
            },
        )["models"]
        assert [m["info"]["model_id"] for m in by_metric] == [ready]
        status, code, _ = api.error("GET", f"logged-models/{ids['gone']}")
        assert (status, code) == (404, "RESOURCE_DOES_NOT_EXIST")
        deleted = api.call("GET", f"logged-models/{ids['gone']}", params={"allow_deleted": "true"})
        assert deleted["model"]["info"]["name"] == "gone"

        # runhub changes MLflow's models; MLflow reads the changes.
        api.call("PATCH", f"logged-models/{pending}/tags", {"tags": [{"key": "by", "value": "rh"}]})
        api.call(
            "POST", f"logged-models/{pending}/params", {"params": [{"key": "k", "value": "v"}]}
        )
        point = {"key": "acc", "value": 0.9, "timestamp": T0, "step": 2, "model_id": pending}
        api.call("POST", "runs/log-metric", {"run_id": ids["run_id"], **point})
        api.call("PATCH", f"logged-models/{pending}", {"status": "LOGGED_MODEL_READY"})
        api.call("DELETE", f"logged-models/{ready}/tags/stage")

    seen = mlflow_filestore("read-models", root)[exp_id]
    assert sorted(seen["ready"]) == sorted([ready, pending])
    changed = seen["models"][pending]
    assert changed["status"] == "READY" and changed["tags"] == {"by": "rh"}
    assert changed["params"] == {"k": "v"}
    assert changed["metrics"] == [["acc", 0.9, T0, 2, ids["run_id"], None, None]]
    assert seen["models"][ready]["tags"] == {"a/b": "deep"}


def test_dataset_names_with_spaces_read_back(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        run_id = api.call("POST", "runs/create", {"experiment_id": "0"})["run"]["info"]["run_id"]
        model_id = _create(api, "0", "spaced")
        point = {
            "key": "acc",
            "value": 0.5,
            "timestamp": T0,
            "step": 0,
            "model_id": model_id,
            "dataset_name": "my data 100%",
            "dataset_digest": "None",
        }
        api.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": [point]})
        got = api.call("GET", f"logged-models/{model_id}")["model"]["data"]["metrics"]
        assert [(m["dataset_name"], m["dataset_digest"]) for m in got] == [("my data 100%", "None")]
        found = api.call(
            "POST",
            "logged-models/search",
            {"experiment_ids": ["0"], "datasets": [{"dataset_name": "my data 100%"}]},
        )["models"]
        assert [m["info"]["model_id"] for m in found] == [model_id]
    line = (root / "0" / "models" / model_id / "metrics" / "acc").read_text()
    assert line == f"{T0} 0.5 0 {run_id} my%20data%20100%25 %4Eone\n"  # one field each


def test_stock_client_logs_and_loads_a_model_kept_in_the_tree(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        done = mlflow_filestore("client-models", server.url)
        api = Api(server.url)
        model_id = done["model_id"]
        listing = api.call("GET", f"logged-models/{model_id}/artifacts/directories")
        sent = api.session.get(
            f"{server.url}/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
            params={"artifact_file_path": "MLmodel"},
            timeout=60,
        )
    folder = root.resolve() / done["experiment_id"] / "models" / model_id / "artifacts"
    assert done["artifact_location"] == folder.as_uri()
    assert done["by_model_id"] == done["expected"] and done["by_run"] == done["expected"]
    assert "MLmodel" in done["listed"] and (folder / "MLmodel").is_file()
    assert "MLmodel" in [f["path"] for f in listing["files"]]
    assert sent.status_code == 200 and sent.content == (folder / "MLmodel").read_bytes()


def test_gc_removes_deleted_models_with_their_artifacts(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        exp_id = api.call("POST", "experiments/create", {"name": "gc"})["experiment_id"]
        kept = _create(api, exp_id, "kept")
        gone = _create(api, exp_id, "gone")
        api.call("DELETE", f"logged-models/{gone}")
        doomed = api.call("POST", "experiments/create", {"name": "doomed"})["experiment_id"]
        inside = _create(api, doomed, "inside")
        api.call("POST", "experiments/delete", {"experiment_id": doomed})
    gone_dir = root / exp_id / "models" / gone
    (gone_dir / "artifacts").mkdir()
    (gone_dir / "artifacts" / "MLmodel").write_text("flavors: {}\n")

    dry = runhub("gc", "--backend-store-uri", str(root), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would remove logged model {gone}" in dry.stdout
    assert kept not in dry.stdout and gone_dir.is_dir()
    live = runhub("gc", "--backend-store-uri", str(root), "--logged-model-ids", kept)
    assert "not in the deleted lifecycle stage" in one_line_error(live)

    done = runhub("gc", "--backend-store-uri", str(root))
    assert done.returncode == 0, done.stderr
    assert not gone_dir.exists() and not (root / ".trash" / doomed).exists()
    seen = mlflow_filestore("read-models", root)
    assert seen[exp_id]["searched"] == [kept] and doomed not in seen
    assert inside not in str(seen)
