"""Permission levels on experiments and runs: each level against read / update / delete."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import ADMIN, AuthClient

LEVELS = ["NO_PERMISSIONS", "READ", "USE", "EDIT", "MANAGE"]
CAN_READ = {"READ", "USE", "EDIT", "MANAGE"}
CAN_UPDATE = {"EDIT", "MANAGE"}
CAN_DELETE = {"MANAGE"}
API = "/api/2.0/mlflow/"


def _experiment_and_run(auth: AuthClient, name: str) -> tuple[str, str]:
    exp = auth.call(ADMIN, "POST", API + "experiments/create", {"name": name}).json()
    run = auth.call(ADMIN, "POST", API + "runs/create", {"experiment_id": exp["experiment_id"]})
    return exp["experiment_id"], run.json()["run"]["info"]["run_id"]


@pytest.mark.parametrize("level", LEVELS)
def test_level_matrix(auth: AuthClient, level: str) -> None:
    exp_id, run_id = _experiment_and_run(auth, f"matrix-{level}")
    user = auth.create_user(f"user-{level.lower()}", "matrix-password-1")
    auth.grant(user[0], exp_id, level)

    def status(method: str, path: str, body: dict[str, object]) -> int:
        return int(auth.call(user, method, API + path, body).status_code)

    expect_read = 200 if level in CAN_READ else 403
    assert status("GET", "experiments/get", {"experiment_id": exp_id}) == expect_read
    assert status("GET", "runs/get", {"run_id": run_id}) == expect_read
    assert status("GET", "metrics/get-history", {"run_id": run_id, "metric_key": "m"}) == (
        expect_read
    )

    expect_update = 200 if level in CAN_UPDATE else 403
    tag = {"experiment_id": exp_id, "key": "k", "value": "v"}
    assert status("POST", "experiments/set-experiment-tag", tag) == expect_update
    metric = {"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": 0}
    assert status("POST", "runs/log-metric", metric) == expect_update
    assert status("POST", "runs/create", {"experiment_id": exp_id}) == expect_update

    expect_delete = 200 if level in CAN_DELETE else 403
    assert status("POST", "runs/delete", {"run_id": run_id}) == expect_delete
    assert status("POST", "experiments/delete", {"experiment_id": exp_id}) == expect_delete
    after = auth.call(ADMIN, "GET", API + "experiments/get", {"experiment_id": exp_id}).json()
    assert after["experiment"]["lifecycle_stage"] == (
        "deleted" if level in CAN_DELETE else "active"
    )


def test_creator_gets_manage(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client(default_permission="NO_PERMISSIONS")
    alice = auth.create_user("alice", "alice-password-1")
    bob = auth.create_user("bob", "bobs-password-12")
    exp_id = auth.call(alice, "POST", API + "experiments/create", {"name": "alices"}).json()[
        "experiment_id"
    ]
    run = auth.call(alice, "POST", API + "runs/create", {"experiment_id": exp_id})
    assert run.status_code == 200
    assert (
        auth.call(bob, "GET", API + "experiments/get", {"experiment_id": exp_id}).status_code == 403
    )
    check = auth.call(
        alice,
        "GET",
        "/api/3.0/mlflow/users/permissions/get",
        {"username": "alice", "resource_type": "experiment", "resource_id": exp_id},
    )
    assert check.json() == {"allowed": True, "permission": "MANAGE"}
    # MANAGE lets alice share her experiment, but not anybody else's.
    grant = {
        "username": "bob",
        "resource_type": "experiment",
        "resource_id": exp_id,
        "permission": "READ",
    }
    assert (
        auth.call(alice, "POST", "/api/3.0/mlflow/users/permissions/grant", grant).status_code
        == 200
    )
    assert (
        auth.call(bob, "GET", API + "experiments/get", {"experiment_id": exp_id}).status_code == 200
    )
    grant_default = {**grant, "resource_id": "0"}
    response = auth.call(alice, "POST", "/api/3.0/mlflow/users/permissions/grant", grant_default)
    assert response.status_code == 403


def test_searches_are_filtered_inside_the_query(
    make_auth_client: Callable[..., AuthClient],
) -> None:
    auth = make_auth_client(default_permission="NO_PERMISSIONS")
    user = auth.create_user("carol", "carols-password1")
    ids = []
    for i in range(6):
        exp_id, _run = _experiment_and_run(auth, f"search-{i}")
        ids.append(exp_id)
    visible = ids[1::2]
    for exp_id in visible:
        auth.grant(user[0], exp_id, "READ")
    seen: list[str] = []
    token = None
    while True:  # one per page: a page is never empty or short because of permissions
        body: dict[str, object] = {"max_results": 1, **({"page_token": token} if token else {})}
        page = auth.call(user, "POST", API + "experiments/search", body).json()
        assert len(page.get("experiments", [])) == 1
        seen += [e["experiment_id"] for e in page["experiments"]]
        token = page.get("next_page_token")
        if not token:
            break
    assert sorted(seen) == sorted(visible)
    runs = auth.call(user, "POST", API + "runs/search", {"experiment_ids": ids, "max_results": 100})
    assert sorted({r["info"]["experiment_id"] for r in runs.json()["runs"]}) == sorted(visible)
    everything = auth.call(ADMIN, "POST", API + "experiments/search", {"max_results": 100}).json()
    assert len(everything["experiments"]) == 7  # with Default


def test_explicit_no_permissions_hides_from_search(auth: AuthClient) -> None:
    hidden, _ = _experiment_and_run(auth, "hidden")
    user = auth.create_user("dave", "daves-password1")
    auth.grant(user[0], hidden, "NO_PERMISSIONS")
    names = {
        e["name"]
        for e in auth.call(user, "POST", API + "experiments/search", {"max_results": 100}).json()[
            "experiments"
        ]
    }
    assert "hidden" not in names and "Default" in names


def test_model_grants_follow_rename_and_go_with_delete(auth: AuthClient) -> None:
    alice = auth.create_user("alice", "alice-password-1")
    bob = auth.create_user("bob", "bobs-password-12")
    assert (
        auth.call(alice, "POST", API + "registered-models/create", {"name": "m1"}).status_code
        == 200
    )
    tag = {"name": "m2", "key": "k", "value": "v"}
    assert (
        auth.call(
            bob, "POST", API + "registered-models/rename", {"name": "m1", "new_name": "m2"}
        ).status_code
        == 403
    )
    renamed = auth.call(
        alice, "POST", API + "registered-models/rename", {"name": "m1", "new_name": "m2"}
    )
    assert renamed.status_code == 200
    assert auth.call(alice, "POST", API + "registered-models/set-tag", tag).status_code == 200
    assert auth.call(bob, "POST", API + "registered-models/set-tag", tag).status_code == 403
    assert (
        auth.call(alice, "DELETE", API + "registered-models/delete", {"name": "m2"}).status_code
        == 200
    )
    assert (
        auth.call(bob, "POST", API + "registered-models/create", {"name": "m2"}).status_code == 200
    )
    assert auth.call(alice, "POST", API + "registered-models/set-tag", tag).status_code == 403
    assert auth.call(bob, "POST", API + "registered-models/set-tag", tag).status_code == 200
    listed = auth.call(alice, "GET", API + "registered-models/search", {"max_results": 10})
    assert [m["name"] for m in listed.json()["registered_models"]] == ["m2"]  # default READ


def test_grants_on_a_purged_experiment_do_not_reach_its_successor(
    make_auth_client: Callable[..., AuthClient],
) -> None:
    """SQLite hands a purged experiment's id to the next new experiment: a grant made on the
    old one must not open the new one (nor must one left behind by ``runhub gc``)."""
    auth = make_auth_client(default_permission="NO_PERMISSIONS")
    alice = auth.create_user("alice", "alice-password-1")
    bob = auth.create_user("bob", "bobs-password-12")

    def create(name: str) -> str:
        response = auth.call(ADMIN, "POST", API + "experiments/create", {"name": name})
        return str(response.json()["experiment_id"])

    def purge(exp_id: str) -> None:
        for route in ("experiments/delete", "experiments/purge"):
            body = {"experiment_id": exp_id}
            assert auth.call(ADMIN, "POST", API + route, body).status_code == 200

    old = create("old")
    auth.grant(alice[0], old, "READ")
    auth.grant(bob[0], old, "EDIT")
    purge(old)
    new = create("new")
    assert new == old  # the id came back: this is the case that matters
    get = {"experiment_id": new}
    assert auth.call(alice, "GET", API + "experiments/get", get).status_code == 403
    assert auth.call(bob, "GET", API + "experiments/get", get).status_code == 403

    # A grant that outlived its experiment (purged outside the server) is dropped on create.
    auth.grant(bob[0], new, "EDIT")
    gone = str(int(new) + 1)
    auth.grant(alice[0], gone, "MANAGE")
    assert create("after-gc") == gone
    again = {"experiment_id": gone}
    assert auth.call(alice, "GET", API + "experiments/get", again).status_code == 403
    assert auth.call(bob, "GET", API + "experiments/get", get).status_code == 200
