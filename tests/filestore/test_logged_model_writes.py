"""Logged-model writes to a file store: concurrent writers, and keys and ids that try to escape."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.filestore.conftest import Api, file_store_server

THREADS, ROUNDS = 6, 15


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path]]:
    tmp = tmp_path_factory.mktemp("models")
    root = tmp / "mlruns"
    with file_store_server(tmp, root, "--workers", "2") as server:
        yield Api(server.url), root


def _model(api: Api, name: str) -> tuple[str, str]:
    """A new run and a logged model produced by it."""
    exp_id = api.call("POST", "experiments/create", {"name": name})["experiment_id"]
    run_id = api.call("POST", "runs/create", {"experiment_id": exp_id})["run"]["info"]["run_id"]
    body = {"experiment_id": exp_id, "name": name, "source_run_id": run_id}
    return run_id, api.call("POST", "logged-models", body)["model"]["info"]["model_id"]


def test_concurrent_writers_lose_nothing(store: tuple[Api, Path]) -> None:
    api, _root = store
    run_id, model_id = _model(api, "concurrent")

    def write(thread: int) -> None:
        for i in range(ROUNDS):
            tag = {"key": f"t{thread}/{i}", "value": str(i)}
            api.call("PATCH", f"logged-models/{model_id}/tags", {"tags": [tag]})
            param = {"key": f"p{thread}", "value": str(i)}
            api.call("POST", f"logged-models/{model_id}/params", {"params": [param]})
            point = {
                "key": "m",
                "value": thread * ROUNDS + i,
                "timestamp": 1000 + i,
                "step": i,
                "model_id": model_id,
            }
            api.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": [point]})
            if thread == 0 and i == ROUNDS // 2:
                api.call("PATCH", f"logged-models/{model_id}", {"status": "LOGGED_MODEL_READY"})

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(write, range(THREADS)))
    model = api.call("GET", f"logged-models/{model_id}")["model"]
    assert model["info"]["status"] == "LOGGED_MODEL_READY"
    assert len(model["info"]["tags"]) == THREADS * ROUNDS
    params = {p["key"]: p["value"] for p in model["data"]["params"]}
    assert params == {f"p{t}": str(ROUNDS - 1) for t in range(THREADS)}
    values = sorted(m["value"] for m in model["data"]["metrics"])
    assert values == list(range(THREADS * ROUNDS))


@pytest.mark.parametrize("key", ["../x", "a/../../b", "/etc/passwd", "a//b"])
def test_keys_that_escape_are_refused(store: tuple[Api, Path], key: str) -> None:
    api, root = store
    _run_id, model_id = _model(api, f"escape-{abs(hash(key))}")
    before = set(root.parent.rglob("*"))
    for method, path, body in (
        ("PATCH", f"logged-models/{model_id}/tags", {"tags": [{"key": key, "value": "v"}]}),
        ("POST", f"logged-models/{model_id}/params", {"params": [{"key": key, "value": "v"}]}),
    ):
        status, code, message = api.error(method, path, body)
        assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and key in message
    assert set(root.parent.rglob("*")) == before


def test_a_key_and_its_folder_cannot_both_be_written(store: tuple[Api, Path]) -> None:
    api, _root = store
    _run_id, model_id = _model(api, "clash")
    tags = [{"key": "a", "value": "1"}, {"key": "a/b", "value": "2"}]
    status, _code, message = api.error("PATCH", f"logged-models/{model_id}/tags", {"tags": tags})
    assert status == 400 and "clashes" in message
    api.call("PATCH", f"logged-models/{model_id}/tags", {"tags": tags[:1]})
    status, _code, message = api.error(
        "PATCH", f"logged-models/{model_id}/tags", {"tags": tags[1:]}
    )
    assert status == 400 and "clashes" in message
    model = api.call("GET", f"logged-models/{model_id}")["model"]
    assert model["info"]["tags"] == [{"key": "a", "value": "1"}]


@pytest.mark.parametrize("model_id", ["m-1.x", ".trash", "a b", "0", "models"])
def test_ids_that_name_no_model_folder_are_not_found(
    store: tuple[Api, Path], model_id: str
) -> None:
    api, _root = store
    status, code, _message = api.error("GET", f"logged-models/{model_id}")
    assert (status, code) == (404, "RESOURCE_DOES_NOT_EXIST")
