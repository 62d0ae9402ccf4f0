"""Evaluation datasets carry the permissions of the experiments they are linked to: READ on
every one to read, EDIT to change, MANAGE to delete; creating and linking need EDIT on the
experiments named; a dataset linked to none is for admins; search shows only readable ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .conftest import ADMIN, AuthClient

API = "/api/2.0/mlflow/"
DS = "/api/3.0/mlflow/datasets"


def _experiment(auth: AuthClient, name: str) -> str:
    response = auth.call(ADMIN, "POST", API + "experiments/create", {"name": name})
    return str(response.json()["experiment_id"])


def _dataset(auth: AuthClient, name: str, experiment_ids: list[str]) -> str:
    body = {"name": name, "experiment_ids": experiment_ids}
    response = auth.call(ADMIN, "POST", DS + "/create", body)
    assert response.status_code == 200, response.text
    return str(response.json()["dataset"]["dataset_id"])


def _status(auth: AuthClient, who: Any, method: str, path: str, body: Any = None) -> int:
    return int(auth.call(who, method, DS + path, body).status_code)


def test_levels_of_the_linked_experiment(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client(default_permission="NO_PERMISSIONS")
    exp, other = _experiment(auth, "ds-exp"), _experiment(auth, "ds-other")
    dataset_id = _dataset(auth, "scored", [exp])
    records = {"records": json.dumps([{"inputs": {"q": 1}}])}
    reader, editor, manager, outsider = (
        auth.create_user(name, "dataset-password") for name in ("r", "e", "m", "o")
    )
    for user, level in ((reader, "READ"), (editor, "EDIT"), (manager, "MANAGE")):
        auth.grant(user[0], exp, level)

    assert _status(auth, outsider, "GET", f"/{dataset_id}") == 403
    assert _status(auth, reader, "GET", f"/{dataset_id}") == 200
    assert _status(auth, reader, "GET", f"/{dataset_id}/records") == 200
    assert _status(auth, reader, "GET", f"/{dataset_id}/experiment-ids") == 200
    assert _status(auth, reader, "POST", f"/{dataset_id}/records", records) == 403
    assert _status(auth, reader, "PATCH", f"/{dataset_id}/tags", {"tags": "{}"}) == 403
    assert _status(auth, editor, "POST", f"/{dataset_id}/records", records) == 200
    assert _status(auth, editor, "PATCH", f"/{dataset_id}/tags", {"tags": '{"a": "b"}'}) == 200
    assert _status(auth, editor, "DELETE", f"/{dataset_id}/tags/a") == 200
    assert _status(auth, editor, "DELETE", f"/{dataset_id}") == 403

    # Creating and linking need EDIT on the experiments named too.
    assert _status(auth, reader, "POST", "/create", {"name": "x", "experiment_ids": [exp]}) == 403
    assert _status(auth, editor, "POST", "/create", {"name": "x", "experiment_ids": [exp]}) == 200
    assert _status(auth, editor, "POST", "/create", {"name": "x"}) == 403
    link = {"experiment_ids": [other]}
    assert _status(auth, editor, "POST", f"/{dataset_id}/add-experiments", link) == 403
    auth.grant(editor[0], other, "EDIT")
    assert _status(auth, editor, "POST", f"/{dataset_id}/add-experiments", link) == 200
    # Now linked to both: the reader of one experiment no longer reads it.
    assert _status(auth, reader, "GET", f"/{dataset_id}") == 403

    missing = auth.call(reader, "GET", DS + f"/d-{'0' * 32}")
    assert missing.status_code == 404
    assert _status(auth, manager, "DELETE", f"/{dataset_id}") == 403  # not MANAGE on `other`
    auth.grant(manager[0], other, "MANAGE")
    assert _status(auth, manager, "DELETE", f"/{dataset_id}") == 200


def test_search_shows_only_readable_datasets(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client(default_permission="NO_PERMISSIONS")
    mine, theirs = _experiment(auth, "mine"), _experiment(auth, "theirs")
    visible = _dataset(auth, "visible", [mine])
    _dataset(auth, "hidden", [theirs])
    _dataset(auth, "both", [mine, theirs])
    _dataset(auth, "unlinked", [])
    user = auth.create_user("searcher", "dataset-password")
    auth.grant(user[0], mine, "READ")
    for method in ("POST", "GET"):
        found = auth.call(user, method, DS + "/search", {"max_results": 100}).json()
        assert [d["dataset_id"] for d in found["datasets"]] == [visible]
    admin = auth.call(ADMIN, "POST", DS + "/search", {}).json()
    assert len(admin["datasets"]) == 4
