"""Writes to a file store: concurrent logging, lifecycle rules, and keys that try to escape."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.filestore.conftest import Api, file_store_server

THREADS, BATCHES, POINTS = 8, 25, 20


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path]]:
    tmp = tmp_path_factory.mktemp("filestore")
    root = tmp / "mlruns"
    with file_store_server(tmp, root, "--workers", "2") as server:
        yield Api(server.url), root


def _new_run(api: Api, name: str) -> str:
    exp_id = api.call("POST", "experiments/create", {"name": name})["experiment_id"]
    return str(api.call("POST", "runs/create", {"experiment_id": exp_id})["run"]["info"]["run_id"])


def _files_outside(root: Path) -> set[Path]:
    return {p for p in root.parent.rglob("*") if root not in p.parents and p != root}


def test_concurrent_batches_keep_every_point_once(store: tuple[Api, Path]) -> None:
    api, _root = store
    run_id = _new_run(api, "concurrent")

    def log(thread: int) -> None:
        for batch in range(BATCHES):
            step0 = (thread * BATCHES + batch) * POINTS
            metrics = [
                {"key": "m", "value": float(s), "timestamp": 1000 + s, "step": s}
                for s in range(step0, step0 + POINTS)
            ]
            api.call(
                "POST",
                "runs/log-batch",
                {
                    "run_id": run_id,
                    "metrics": metrics,
                    "tags": [{"key": f"t{thread}", "value": "x"}],
                },
            )

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(log, range(THREADS)))
    points, token = [], None
    while True:
        params = {"run_id": run_id, "metric_key": "m", "max_results": 1000}
        if token:
            params["page_token"] = token
        page = api.call("GET", "metrics/get-history", params=params)
        points += page.get("metrics", [])
        token = page.get("next_page_token")
        if not token:
            break
    total = THREADS * BATCHES * POINTS
    assert sorted(p["step"] for p in points) == list(range(total))
    run = api.call("GET", "runs/get", params={"run_id": run_id})["run"]
    assert run["data"]["metrics"] == [
        {"key": "m", "value": float(total - 1), "timestamp": 1000 + total - 1, "step": total - 1}
    ]


def test_deleted_runs_and_changed_params_are_refused(store: tuple[Api, Path]) -> None:
    api, _root = store
    run_id = _new_run(api, "rules")
    api.call("POST", "runs/log-parameter", {"run_id": run_id, "key": "p", "value": "1"})
    api.call("POST", "runs/log-parameter", {"run_id": run_id, "key": "p", "value": "1"})
    status, code, message = api.error(
        "POST", "runs/log-parameter", {"run_id": run_id, "key": "p", "value": "2"}
    )
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "Changing param" in message
    api.call("POST", "runs/delete", {"run_id": run_id})
    status, code, message = api.error(
        "POST",
        "runs/log-metric",
        {"run_id": run_id, "key": "m", "value": 1, "timestamp": 1, "step": 0},
    )
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "'active' state" in message
    api.call("POST", "runs/restore", {"run_id": run_id})
    api.call(
        "POST",
        "runs/log-metric",
        {"run_id": run_id, "key": "m", "value": 1, "timestamp": 1, "step": 0},
    )


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", ".", "a//b", "./a"])
def test_keys_never_leave_the_run(store: tuple[Api, Path], key: str) -> None:
    api, root = store
    run_id = _new_run(api, f"keys-{abs(hash(key))}")
    before = _files_outside(root)
    for path, body in (
        ("runs/set-tag", {"run_id": run_id, "key": key, "value": "v"}),
        ("runs/log-parameter", {"run_id": run_id, "key": key, "value": "v"}),
        ("runs/log-metric", {"run_id": run_id, "key": key, "value": 1, "timestamp": 1, "step": 0}),
    ):
        status, code, _message = api.error("POST", path, body)
        assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
    status, code, _message = api.error("POST", "runs/delete-tag", {"run_id": run_id, "key": key})
    assert (status, code) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert _files_outside(root) == before


@pytest.mark.parametrize("bad_id", ["../0", "..", "0/../0", "%2e%2e"])
def test_ids_are_never_paths(store: tuple[Api, Path], bad_id: str) -> None:
    api, _root = store
    status, code, _message = api.error("GET", "runs/get", params={"run_id": bad_id})
    assert (status, code) == (404, "RESOURCE_DOES_NOT_EXIST")
    status, code, _message = api.error("GET", "experiments/get", params={"experiment_id": bad_id})
    assert (status, code) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_a_key_and_its_folder_cannot_both_be_tags(store: tuple[Api, Path]) -> None:
    api, root = store
    run_id = _new_run(api, "clash")
    api.call("POST", "runs/set-tag", {"run_id": run_id, "key": "a/b", "value": "1"})
    status, code, message = api.error(
        "POST", "runs/set-tag", {"run_id": run_id, "key": "a", "value": "2"}
    )
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "clashes" in message
    status, code, message = api.error(
        "POST",
        "runs/log-batch",
        {
            "run_id": run_id,
            "params": [{"key": "p", "value": "1"}],
            "metrics": [
                {"key": "m", "value": 1, "timestamp": 1, "step": 0},
                {"key": "m/n", "value": 1, "timestamp": 1, "step": 0},
            ],
        },
    )
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "clashes" in message
    run = api.call("GET", "runs/get", params={"run_id": run_id})["run"]
    assert "params" not in run["data"] and "metrics" not in run["data"]  # nothing was written
    assert not any(p.name.startswith("~tmp-") for p in root.rglob("*"))


def test_symlinked_key_folder_is_not_followed_out(store: tuple[Api, Path]) -> None:
    api, root = store
    run_id = _new_run(api, "symlink")
    run = api.call("GET", "runs/get", params={"run_id": run_id})["run"]
    tags_dir = root / run["info"]["experiment_id"] / run_id / "tags"
    outside = root.parent / "outside"
    outside.mkdir()
    os.symlink(outside, tags_dir / "link")
    status, code, _message = api.error(
        "POST", "runs/set-tag", {"run_id": run_id, "key": "link/x", "value": "v"}
    )
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
    assert list(outside.iterdir()) == []


def test_run_folder_artifacts_are_listed_and_sent_but_not_written(
    store: tuple[Api, Path],
) -> None:
    api, root = store
    run_id = _new_run(api, "artifacts")
    info = api.call("GET", "runs/get", params={"run_id": run_id})["run"]["info"]
    folder = Path(urlparse(info["artifact_uri"]).path)
    assert folder == root.resolve() / info["experiment_id"] / run_id / "artifacts"
    (folder / "plots").mkdir()
    (folder / "plots" / "a.txt").write_text("hello")  # as the client writes file: URIs
    listing = api.call("GET", "artifacts/list", params={"run_id": run_id})
    assert listing["root_uri"] == info["artifact_uri"]
    assert listing["files"] == [{"path": "plots", "is_dir": True}]
    inner = api.call("GET", "artifacts/list", params={"run_id": run_id, "path": "plots"})
    assert inner["files"] == [{"path": "plots/a.txt", "is_dir": False, "file_size": 5}]
    got = api.session.get(
        f"{api.url}/get-artifact", params={"run_id": run_id, "path": "plots/a.txt"}, timeout=60
    )
    assert got.status_code == 200 and got.content == b"hello"
    escape = api.session.get(
        f"{api.url}/get-artifact", params={"run_id": run_id, "path": "../meta.yaml"}, timeout=60
    )
    assert escape.status_code == 400
    upload = api.session.post(
        f"{api.url}/ajax-api/2.0/mlflow/upload-artifact",
        params={"run_uuid": run_id, "path": "new.txt"},
        data=b"x",
        timeout=60,
    )
    assert upload.status_code == 400 and upload.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert not (folder / "new.txt").exists()


def test_one_value_wins_a_param_race_across_workers(store: tuple[Api, Path]) -> None:
    api, _root = store
    run_id = _new_run(api, "param-race")

    def log(value: int) -> int:
        resp = api.session.post(
            f"{api.url}/api/2.0/mlflow/runs/log-parameter",
            json={"run_id": run_id, "key": "winner", "value": str(value)},
            timeout=60,
        )
        return resp.status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(log, range(24)))
    assert statuses.count(200) == 1 and statuses.count(400) == 23
    params = api.call("GET", "runs/get", params={"run_id": run_id})["run"]["data"]["params"]
    assert len(params) == 1 and params[0]["key"] == "winner"


def test_latest_values_follow_every_append(store: tuple[Api, Path]) -> None:
    """Latest metric values are remembered per file between reads; a point appended by this
    server, or by anything else writing the tree, must show at once."""
    api, root = store
    run_id = _new_run(api, "latest-follows")

    def latest() -> tuple[float, int]:
        run = api.call("GET", "runs/get", params={"run_id": run_id})["run"]
        (metric,) = [m for m in run["data"]["metrics"] if m["key"] == "loss"]
        return metric["value"], metric["step"]

    def found(filter_string: str) -> list[str]:
        body = {"experiment_ids": [experiment_id], "filter": filter_string}
        runs = api.call("POST", "runs/search", body).get("runs", [])
        return [r["info"]["run_id"] for r in runs]

    experiment_id = api.call("GET", "runs/get", params={"run_id": run_id})["run"]["info"][
        "experiment_id"
    ]
    point = {"run_id": run_id, "key": "loss", "value": 0.5, "timestamp": 10, "step": 1}
    api.call("POST", "runs/log-metric", point)
    assert latest() == (0.5, 1)
    assert run_id in found("metrics.loss = 0.5")
    api.call("POST", "runs/log-metric", {**point, "value": 0.25, "step": 2})
    assert latest() == (0.25, 2)
    assert run_id not in found("metrics.loss = 0.5")
    # Another writer appends a line with the same length as the last one.
    metric_file = next(root.rglob(f"{run_id}/metrics/loss"))
    with metric_file.open("a", encoding="utf-8") as out:
        out.write("11 0.125 3\n")
    assert latest() == (0.125, 3)
    assert run_id in found("metrics.loss = 0.125")
