"""runhub and MLflow's FileStore read each other's ``mlruns`` directories, value for value."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from tests.filestore.conftest import Api, file_store_server, mlflow_filestore

T0 = 1_700_000_000_000


def test_mlflow_reads_what_runhub_wrote(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        exp_id = api.call(
            "POST",
            "experiments/create",
            {"name": "from-runhub", "tags": [{"key": "team/sub", "value": "nlp"}]},
        )["experiment_id"]
        run = api.call(
            "POST",
            "runs/create",
            {"experiment_id": exp_id, "run_name": "rh", "start_time": T0, "user_id": "bob"},
        )["run"]["info"]
        run_id = run["run_id"]
        metrics = [
            {"key": "loss", "value": 1.0 / (s + 1), "timestamp": T0 + s, "step": s}
            for s in range(5)
        ]
        metrics.append({"key": "acc", "value": "NaN", "timestamp": T0, "step": 0})
        metrics.append({"key": "deep/m", "value": 7.0, "timestamp": T0, "step": 2})
        api.call(
            "POST",
            "runs/log-batch",
            {
                "run_id": run_id,
                "metrics": metrics,
                "params": [{"key": "lr", "value": "0.01"}, {"key": "opt/name", "value": "adam"}],
                "tags": [{"key": "x/y", "value": "z"}],
            },
        )
        api.call(
            "POST",
            "runs/log-inputs",
            {
                "run_id": run_id,
                "datasets": [
                    {
                        "dataset": {
                            "name": "ds",
                            "digest": "abc",
                            "source_type": "local",
                            "source": "/data",
                            "schema": "{}",
                        },
                        "tags": [{"key": "mlflow.data.context", "value": "eval"}],
                    }
                ],
            },
        )
        api.call(
            "POST",
            "runs/update",
            {"run_id": run_id, "status": "FINISHED", "end_time": T0 + 99},
        )
        gone = api.call("POST", "runs/create", {"experiment_id": exp_id})["run"]["info"]
        api.call("POST", "runs/delete", {"run_id": gone["run_id"]})
        doomed = api.call("POST", "experiments/create", {"name": "doomed"})["experiment_id"]
        api.call("POST", "experiments/delete", {"experiment_id": doomed})

    # The default artifact root is the run's own folder, as MLflow's file store has it.
    artifact_dir = Path(urlparse(run["artifact_uri"]).path)
    assert artifact_dir == root.resolve() / exp_id / run_id / "artifacts"
    (artifact_dir / "note.txt").write_text("hi")

    seen = mlflow_filestore("read", root)
    assert seen["0"]["name"] == "Default"
    exp = seen[exp_id]
    assert exp["name"] == "from-runhub" and exp["tags"] == {"team/sub": "nlp"}
    assert exp["lifecycle_stage"] == "active"
    assert seen[doomed]["lifecycle_stage"] == "deleted"
    got = exp["runs"][run_id]
    assert got["name"] == "rh" and got["user_id"] == "bob"
    assert got["status"] == "FINISHED" and got["end_time"] == T0 + 99
    assert got["start_time"] == T0
    assert got["metrics"] == {"loss": 0.2, "acc": "NaN", "deep/m": 7.0}
    assert got["history"]["loss"] == [[s, T0 + s, 1.0 / (s + 1)] for s in range(5)]
    assert got["params"] == {"lr": "0.01", "opt/name": "adam"}
    assert got["tags"]["x/y"] == "z" and got["tags"]["mlflow.runName"] == "rh"
    assert got["inputs"] == [
        {
            "name": "ds",
            "digest": "abc",
            "source": "/data",
            "schema": "{}",
            "tags": {"mlflow.data.context": "eval"},
        }
    ]
    assert got["artifacts"] == ["note.txt"]
    assert exp["runs"][gone["run_id"]]["lifecycle_stage"] == "deleted"


def test_runhub_serves_what_mlflow_wrote(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    ids = mlflow_filestore("write", root)
    exp_id, run_id = ids["experiment_id"], ids["run_id"]
    # The reader's other line shapes: 2 fields (step 0), 5 fields (step 0, as MLflow reads
    # them), and a torn last line from an interrupted writer (skipped).
    handmade = root / exp_id / run_id / "metrics" / "handmade"
    handmade.write_text("1000 1.5\n1001 2.5 3\n1002 3.5 4 ds dg\n1003 4.5 5\n17")
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        shapes = api.call(
            "GET", "metrics/get-history", params={"run_id": run_id, "metric_key": "handmade"}
        )["metrics"]
        assert [(m["step"], m["timestamp"], m["value"]) for m in shapes] == [
            (0, 1000, 1.5),
            (0, 1002, 3.5),
            (3, 1001, 2.5),
            (5, 1003, 4.5),
        ]
        exp = api.call("GET", "experiments/get-by-name", params={"experiment_name": "from-mlflow"})
        exp = exp["experiment"]
        assert exp["experiment_id"] == exp_id
        assert {t["key"]: t["value"] for t in exp["tags"]} == {"team": "vision", "nested/key": "n"}

        run = api.call("GET", "runs/get", params={"run_id": run_id})["run"]
        assert run["info"]["run_name"] == "mlflow-run"
        assert run["info"]["status"] == "FINISHED"
        assert run["info"]["end_time"] == 1_700_000_100_000
        data = run["data"]
        metrics = {m["key"]: m["value"] for m in data["metrics"]}
        assert metrics == {"loss": 0.1, "acc": "NaN", "nested/metric": 2.5, "handmade": 4.5}
        assert {p["key"]: p["value"] for p in data["params"]} == {"lr": "0.1", "model/depth": "3"}
        tags = {t["key"]: t["value"] for t in data["tags"]}
        assert tags["a/b/c"] == "deep" and tags["mlflow.user"] == "alice"
        dataset_inputs = run["inputs"]["dataset_inputs"]
        assert [d["dataset"]["name"] for d in dataset_inputs] == ["digits"]

        history = api.call(
            "GET", "metrics/get-history", params={"run_id": run_id, "metric_key": "loss"}
        )["metrics"]
        assert [(m["step"], m["value"]) for m in history] == [(s, 1.0 / (s + 1)) for s in range(10)]

        found = api.call(
            "POST",
            "runs/search",
            {
                "experiment_ids": [exp_id],
                "filter": "metrics.loss < 0.5 and params.lr = '0.1' and tags.stage = 'dev'",
            },
        )
        assert [r["info"]["run_id"] for r in found["runs"]] == [run_id]
        deleted = api.call(
            "POST", "runs/search", {"experiment_ids": [exp_id], "run_view_type": "DELETED_ONLY"}
        )
        assert [r["info"]["run_id"] for r in deleted["runs"]] == [ids["deleted_run_id"]]
        trashed = api.call(
            "POST", "experiments/search", {"view_type": "DELETED_ONLY", "max_results": 10}
        )
        assert [e["experiment_id"] for e in trashed["experiments"]] == [
            ids["deleted_experiment_id"]
        ]

        # runhub keeps writing to MLflow's run; MLflow reads the new points.
        api.call(
            "POST",
            "runs/log-metric",
            {"run_id": run_id, "key": "loss", "value": 0.01, "timestamp": 1, "step": 10},
        )
        api.call("POST", "runs/set-tag", {"run_id": run_id, "key": "stage", "value": "prod"})
        api.call("POST", "experiments/restore", {"experiment_id": ids["deleted_experiment_id"]})

    handmade.unlink()  # MLflow's reader refuses a torn line
    seen = mlflow_filestore("read", root)
    got = seen[exp_id]["runs"][run_id]
    assert got["history"]["loss"][-1] == [10, 1, 0.01]
    assert got["tags"]["stage"] == "prod"
    assert seen[ids["deleted_experiment_id"]]["lifecycle_stage"] == "active"


def test_stock_client_keeps_artifacts_in_the_run_folder(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    with file_store_server(tmp_path, root) as server:
        done = mlflow_filestore("client", server.url)
        api = Api(server.url)
        listing = api.call("GET", "artifacts/list", params={"run_id": done["run_id"]})
        sent = api.session.get(
            f"{server.url}/get-artifact",
            params={"run_id": done["run_id"], "path": "notes/readme.txt"},
            timeout=60,
        )
    folder = root.resolve() / done["experiment_id"] / done["run_id"] / "artifacts"
    assert done["artifact_uri"] == folder.as_uri()
    assert (folder / "notes" / "readme.txt").read_text() == "hello"
    assert done["listed"] == ["config.json", "notes"]
    assert done["downloaded"] == ["config.json", "notes/readme.txt"]
    assert done["text"] == "hello"
    assert [f["path"] for f in listing["files"]] == ["config.json", "notes"]
    assert sent.status_code == 200 and sent.content == b"hello"


def test_an_experiment_in_the_trash_is_deleted_whatever_its_meta_says(tmp_path: Path) -> None:
    """Early MLflow 2.x moved a deleted experiment's folder into .trash and left
    ``lifecycle_stage: active`` in its meta.yaml: the folder's place decides."""
    root = tmp_path / "mlruns"
    ids = mlflow_filestore("write", root)
    exp_id = ids["experiment_id"]
    (root / ".trash").mkdir(exist_ok=True)
    (root / exp_id).rename(root / ".trash" / exp_id)
    assert "lifecycle_stage: active" in (root / ".trash" / exp_id / "meta.yaml").read_text()
    with file_store_server(tmp_path, root) as server:
        api = Api(server.url)
        got = api.call("GET", "experiments/get", params={"experiment_id": exp_id})
        assert got["experiment"]["lifecycle_stage"] == "deleted"
        active = api.call("POST", "experiments/search", {"max_results": 100})
        assert exp_id not in [e["experiment_id"] for e in active["experiments"]]
        api.call("POST", "experiments/restore", {"experiment_id": exp_id})
        got = api.call("GET", "experiments/get", params={"experiment_id": exp_id})
        assert got["experiment"]["lifecycle_stage"] == "active"
    assert (root / exp_id / "meta.yaml").is_file()
