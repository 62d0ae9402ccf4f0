"""Permanent deletion over the API: ``runs/purge`` and ``experiments/purge`` (runhub extension)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, make_client
from tests.lifecycle.test_gc import _files, _full_run, _row_counts
from tests.security.conftest import ADMIN, AuthClient
from tests.security.conftest import make_auth_client as make_auth_client


@pytest.fixture
def served(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[Api, str, Path]]:
    for client in make_client(sqlite_url, tmp_path):
        yield Api(client), sqlite_url, tmp_path / "art"


def test_purge_run_and_experiment(served: tuple[Api, str, Path]) -> None:
    api, url, art = served
    exp = str(api.post("experiments/create", {"name": "purge-me"})["experiment_id"])
    run = _full_run(api, exp, "r")["run_id"]
    other = _full_run(api, exp, "s")["run_id"]
    refused = api.post("runs/purge", {"run_id": run}, status=400)
    assert refused["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "not in the deleted lifecycle stage" in refused["message"]
    assert api.post("runs/purge", {"run_id": "f" * 32}, status=404)["error_code"] == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    api.post("runs/purge", {}, status=400)
    api.post("runs/delete", {"run_id": run})
    api.post("runs/purge", {"run_id": run})
    api.get("runs/get", {"run_id": run}, status=404)
    assert not any(run in f for f in _files(art)) and any(other in f for f in _files(art))

    api.post("experiments/purge", {"experiment_id": exp}, status=400)
    api.post("experiments/purge", {"experiment_id": "nope"}, status=404)
    api.post("experiments/delete", {"experiment_id": exp})
    api.post("experiments/purge", {"experiment_id": exp})
    api.get("experiments/get", {"experiment_id": exp}, status=404)
    counts = _row_counts(url)
    assert counts["runs"] == counts["metric_points"] == counts["datasets"] == 0
    assert _files(art) == []
    reused = api.post("experiments/create", {"name": "purge-me"})["experiment_id"]
    assert api.get("experiments/get", {"experiment_id": reused})["experiment"]["name"] == "purge-me"


def test_purge_needs_manage(make_auth_client: object) -> None:
    auth: AuthClient = make_auth_client()  # type: ignore[operator]
    api = "/api/2.0/mlflow/"
    exp = auth.call(ADMIN, "POST", api + "experiments/create", {"name": "guarded"}).json()
    exp_id = exp["experiment_id"]
    body = {"experiment_id": exp_id}
    run = auth.call(ADMIN, "POST", api + "runs/create", body).json()["run"]["info"]["run_id"]
    auth.call(ADMIN, "POST", api + "runs/delete", {"run_id": run})
    auth.call(ADMIN, "POST", api + "experiments/delete", body)
    editor = auth.create_user("editor", "editor-password-1")
    auth.grant(editor[0], exp_id, "EDIT")
    assert auth.call(editor, "POST", api + "runs/purge", {"run_id": run}).status_code == 403
    assert auth.call(editor, "POST", api + "experiments/purge", body).status_code == 403
    manager = auth.create_user("manager", "manager-password-1")
    auth.grant(manager[0], exp_id, "MANAGE")
    assert auth.call(manager, "POST", api + "runs/purge", {"run_id": run}).status_code == 200
    assert auth.call(manager, "POST", api + "experiments/purge", body).status_code == 200
