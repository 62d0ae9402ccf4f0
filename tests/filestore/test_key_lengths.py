"""Keys the file store would keep as file names longer than a file system holds: 400, not 500.

Keys are limited to 250 characters on every store, but the file store writes each one as a file
name, where 255 UTF-8 bytes is the limit; 150 'é' are within the first and over the second.
Run and model ids longer than a folder name can be are simply not found.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings

API = "/api/2.0/mlflow"
LONG_KEY = "é" * 150  # 300 bytes
LONG_NESTED_KEY = "ok/" + "é" * 150
AT_LIMIT_KEY = "é" * 127 + "x"  # 255 bytes


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        backend_store_uri=str(tmp_path / "mlruns"),
        artifacts_destination=str(tmp_path / "art"),
    )
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as c:
        yield c


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _refused(response: Any) -> None:
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "255 bytes" in body["message"], body["message"]


def _writes(key: str, exp_id: str, run_id: str, model_id: str) -> list[tuple[str, dict[str, Any]]]:
    metric = {"key": key, "value": 1.0, "timestamp": 1, "step": 0}
    return [
        ("runs/log-metric", {"run_id": run_id, **metric}),
        ("runs/log-parameter", {"run_id": run_id, "key": key, "value": "v"}),
        ("runs/set-tag", {"run_id": run_id, "key": key, "value": "v"}),
        ("runs/log-batch", {"run_id": run_id, "metrics": [metric]}),
        ("runs/log-batch", {"run_id": run_id, "params": [{"key": key, "value": "v"}]}),
        ("runs/log-batch", {"run_id": run_id, "tags": [{"key": key, "value": "v"}]}),
        ("experiments/set-experiment-tag", {"experiment_id": exp_id, "key": key, "value": "v"}),
        (f"logged-models/{model_id}/params", {"params": [{"key": key, "value": "v"}]}),
    ]


def _setup(client: TestClient) -> tuple[str, str, str]:
    exp_id = _ok(client.post(f"{API}/experiments/create", json={"name": "keys"}))["experiment_id"]
    run = _ok(client.post(f"{API}/runs/create", json={"experiment_id": exp_id}))
    model = _ok(client.post(f"{API}/logged-models", json={"experiment_id": exp_id}))
    return exp_id, run["run"]["info"]["run_id"], model["model"]["info"]["model_id"]


@pytest.mark.parametrize("key", [LONG_KEY, LONG_NESTED_KEY])
def test_keys_over_255_bytes_are_400(client: TestClient, key: str) -> None:
    exp_id, run_id, model_id = _setup(client)
    for path, body in _writes(key, exp_id, run_id, model_id):
        _refused(client.post(f"{API}/{path}", json=body))
    tags = {"tags": [{"key": key, "value": "v"}]}
    _refused(client.patch(f"{API}/logged-models/{model_id}/tags", json=tags))
    history = client.get(f"{API}/metrics/get-history", params={"run_id": run_id, "metric_key": key})
    assert _ok(history).get("metrics", []) == []  # no such metric can exist
    data = _ok(client.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]["data"]
    assert "metrics" not in data and "params" not in data
    assert [t["key"] for t in data["tags"]] == ["mlflow.runName"]


def test_keys_at_255_bytes_are_stored(client: TestClient) -> None:
    exp_id, run_id, model_id = _setup(client)
    for path, body in _writes(AT_LIMIT_KEY, exp_id, run_id, model_id):
        _ok(client.post(f"{API}/{path}", json=body))
    data = _ok(client.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]["data"]
    assert [m["key"] for m in data["metrics"]] == [AT_LIMIT_KEY]


def test_ids_longer_than_a_folder_name_are_not_found(client: TestClient) -> None:
    long_id = "a" * 256
    got = client.get(f"{API}/runs/get", params={"run_id": long_id})
    assert got.status_code == 404, got.text
    got = client.get(f"{API}/logged-models/{long_id}")
    assert got.status_code == 404, got.text
