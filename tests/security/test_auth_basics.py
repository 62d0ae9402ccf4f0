"""Basic auth through the front door: challenges, users, passwords, admin-only routes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from runhub.errors import StartupError
from runhub.security.auth.config import load_auth_config

from .conftest import ADMIN, AuthClient, write_auth_config

CREATE_EXP = "/api/2.0/mlflow/experiments/create"


def test_missing_or_wrong_credentials_get_a_basic_challenge(auth: AuthClient) -> None:
    for who in (None, ("admin", "wrong-password-123"), ("nobody", "whatever-password")):
        response = auth.call(who, "GET", "/api/2.0/mlflow/experiments/get", {"experiment_id": "0"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Basic realm="mlflow"'
        assert "Default" not in response.text


def test_public_routes_need_no_credentials(auth: AuthClient) -> None:
    assert auth.call(None, "GET", "/health").status_code == 200
    assert auth.call(None, "GET", "/api/3.0/mlflow/server-info").status_code == 200
    assert auth.call(None, "GET", "/version").status_code == 401


def test_the_api_description_is_for_any_signed_in_user(auth: AuthClient) -> None:
    assert auth.call(None, "GET", "/api/openapi.json").status_code == 401
    reader = auth.create_user("reader", "reader-horse-9")
    response = auth.call(reader, "GET", "/api/openapi.json")
    assert response.status_code == 200 and response.json()["openapi"] == "3.1.0"


def test_admin_creates_user_who_can_sign_in(auth: AuthClient) -> None:
    response = auth.call(
        ADMIN,
        "POST",
        "/api/2.0/mlflow/users/create",
        {"username": "ana", "password": "correct-horse-9"},
    )
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["username"] == "ana" and user["is_admin"] is False
    assert "password" not in str(user)
    me = auth.call(("ana", "correct-horse-9"), "GET", "/api/2.0/mlflow/users/current")
    assert me.json()["user"]["username"] == "ana"


def test_access_token_signs_in(auth: AuthClient) -> None:
    created = auth.call(ADMIN, "POST", "/api/2.0/runhub/access-tokens/create", {"name": "ci"})
    token = created.json()["token"]
    auth.anonymous()
    ok = auth.client.get(
        "/api/2.0/mlflow/users/current", headers={"authorization": f"Bearer {token}"}
    )
    assert ok.status_code == 200
    assert ok.json()["user"]["username"] == "admin"
    bad = auth.client.get("/api/2.0/mlflow/users/current", headers={"authorization": "Bearer rh_x"})
    assert bad.status_code == 401
    listed = auth.call(ADMIN, "GET", "/api/2.0/runhub/access-tokens/list").json()["tokens"]
    assert [t["name"] for t in listed] == ["ci"] and token not in str(listed)
    other = auth.create_user("tokenless", "tokenless-password")
    revoke = {"id": str(listed[0]["id"])}
    assert (
        auth.call(other, "DELETE", "/api/2.0/runhub/access-tokens/revoke", revoke).status_code
        == 404
    )
    assert (
        auth.call(ADMIN, "DELETE", "/api/2.0/runhub/access-tokens/revoke", revoke).status_code
        == 200
    )
    auth.anonymous()
    gone = auth.client.get(
        "/api/2.0/mlflow/users/current", headers={"authorization": f"Bearer {token}"}
    )
    assert gone.status_code == 401


def test_auth_data_lives_in_its_own_database(auth: AuthClient, tmp_path: Path) -> None:
    auth_tables = set(inspect(create_engine(f"sqlite:///{tmp_path}/auth.db")).get_table_names())
    assert {"auth_users", "auth_grants", "runhub_auth_alembic_version"} <= auth_tables
    tracking = set(inspect(create_engine(f"sqlite:///{tmp_path}/runhub.db")).get_table_names())
    assert not {t for t in tracking if t.startswith("auth_")}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[mlflow]\ndefault_permission = SUPERUSER\n", "default_permission"),
        ("not an ini file", "cannot read"),
    ],
)
def test_bad_auth_config_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.ini"
    path.write_text(text)
    with pytest.raises(StartupError, match=problem):
        load_auth_config(str(path))


def test_environment_overrides_the_admin_settings(tmp_path: Path) -> None:
    config = load_auth_config(
        str(write_auth_config(tmp_path)),
        {"MLFLOW_AUTH_ADMIN_USERNAME": "root", "MLFLOW_AUTH_ADMIN_PASSWORD": "from-the-env-1"},
    )
    assert (config.admin_username, config.admin_password) == ("root", "from-the-env-1")


def test_auth_applies_under_a_static_prefix(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client(static_prefix="/mlflow")
    path = "/mlflow/api/2.0/mlflow/experiments/get"
    assert auth.call(None, "GET", path, {"experiment_id": "0"}).status_code == 401
    assert auth.call(ADMIN, "GET", path, {"experiment_id": "0"}).status_code == 200
    assert auth.call(None, "GET", "/mlflow/health").status_code == 200
    user = auth.create_user_at("/mlflow", "prefixed", "prefixed-password")
    auth.grant_at("/mlflow", user[0], "0", "NO_PERMISSIONS")
    assert auth.call(user, "GET", path, {"experiment_id": "0"}).status_code == 403


def test_a_password_changed_by_another_worker_stops_working_at_once(
    auth: AuthClient, tmp_path: Path
) -> None:
    """Verified passwords are remembered per process; a change made through another worker
    (here: straight in the shared auth database) must not leave the old one usable."""
    from runhub.security.auth.store import AuthStore
    from runhub.store.sql.db import Database

    alice = auth.create_user("alice", "first-password-123")
    search = "/api/2.0/mlflow/experiments/search"
    assert auth.call(alice, "GET", search, {"max_results": 1}).status_code == 200  # remembered
    other_worker = Database(f"sqlite:///{tmp_path}/auth.db")
    try:
        AuthStore(other_worker).update_password("alice", "second-password-456")
    finally:
        other_worker.dispose()
    assert auth.call(alice, "GET", search, {"max_results": 1}).status_code == 401
    renewed = ("alice", "second-password-456")
    assert auth.call(renewed, "GET", search, {"max_results": 1}).status_code == 200
