"""Regressions for known attacks on MLflow servers: each must be refused, with nothing read,
written or leaked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from runhub.security.policy import Access, rule_for
from runhub.security.route_index import route_keys

from .conftest import ADMIN, AuthClient, write_auth_config
from .test_signin import SIGN_IN, sign_in, with_cookie

API = "/api/2.0/mlflow/"


def _concrete(path: str) -> str:
    if path.startswith("<"):  # the web app's catch-all
        return "/some/ui/page"
    return re.sub(r"\{[^}]*\}", "1", path)


def test_dns_rebinding_is_refused_even_with_credentials(auth: AuthClient) -> None:
    """CVE-2025-14279: a page on an attacker's domain that resolves to the server."""
    client = auth.admin()
    response = client.get(API + "experiments/search", headers={"host": "attacker.example"})
    assert response.status_code == 403
    assert "Default" not in response.text
    created = client.post(
        API + "experiments/create", json={"name": "rebound"}, headers={"host": "a.example"}
    )
    assert created.status_code == 403
    found = client.post(API + "experiments/search", json={"max_results": 10}).json()
    assert [e["name"] for e in found["experiments"]] == ["Default"]


def test_every_route_needs_credentials_unless_public(auth: AuthClient) -> None:
    """CVE-2026-0545 class: routes outside the main table must not skip authentication."""
    client = auth.anonymous()
    keys = sorted(set(route_keys(client.app.routes)))  # type: ignore[attr-defined]
    checked = 0
    for method, path in keys:
        rule = rule_for(method, path)
        if rule is not None and rule.access is Access.PUBLIC:
            continue
        response = client.request(method, _concrete(path), json={"experiment_id": "0"})
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        if path.startswith("/ajax-api/"):  # the web UI: its sign-in form, no browser prompt
            assert "www-authenticate" not in response.headers
            assert response.json()["error_code"] == "UNAUTHENTICATED"
        else:
            assert response.headers["www-authenticate"] == 'Basic realm="mlflow"'
        checked += 1
    assert checked > 100
    # Nothing was written by any of those requests.
    experiments = auth.call(ADMIN, "POST", API + "experiments/search", {"max_results": 10})
    assert [e["name"] for e in experiments.json()["experiments"]] == ["Default"]


def test_unknown_paths_need_credentials_too(auth: AuthClient) -> None:
    client = auth.anonymous()
    for path in ("/api/2.0/mlflow/nope", "/ajax-api/9.9/x", "/graphql"):
        assert client.get(path).status_code == 401
    # Any other browser path is the web app's page (it holds no data and shows a sign-in form).
    page = client.get("/admin")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Default" not in page.text


def test_edit_cannot_delete(auth: AuthClient) -> None:
    """CVE-2024-4263: a user with EDIT deleting experiments, runs or models."""
    exp_id = auth.call(ADMIN, "POST", API + "experiments/create", {"name": "precious"}).json()[
        "experiment_id"
    ]
    run_id = auth.call(ADMIN, "POST", API + "runs/create", {"experiment_id": exp_id}).json()["run"][
        "info"
    ]["run_id"]
    editor = auth.create_user("editor", "editor-password1")
    auth.grant(editor[0], exp_id, "EDIT")
    for path, body in (
        ("experiments/delete", {"experiment_id": exp_id}),
        ("runs/delete", {"run_id": run_id}),
        ("experiments/restore", {"experiment_id": exp_id}),
    ):
        response = auth.call(editor, "POST", API + path, body)
        assert response.status_code == 403, path
        assert response.text == "Permission denied"
    run = auth.call(ADMIN, "GET", API + "runs/get", {"run_id": run_id}).json()["run"]
    assert run["info"]["lifecycle_stage"] == "active"
    # Granting rights on the experiment needs MANAGE too.
    grant = {"username": "editor", "resource_type": "experiment", "resource_id": exp_id}
    response = auth.call(
        editor, "POST", "/api/3.0/mlflow/users/permissions/grant", {**grant, "permission": "MANAGE"}
    )
    assert response.status_code == 403


def test_ids_hidden_in_a_second_field_are_checked(auth: AuthClient) -> None:
    """A request naming a permitted run in one field and another run elsewhere is refused."""
    mine = auth.call(ADMIN, "POST", API + "experiments/create", {"name": "mine"}).json()
    theirs = auth.call(ADMIN, "POST", API + "experiments/create", {"name": "theirs"}).json()
    run_mine = auth.call(
        ADMIN, "POST", API + "runs/create", {"experiment_id": mine["experiment_id"]}
    )
    run_theirs = auth.call(
        ADMIN, "POST", API + "runs/create", {"experiment_id": theirs["experiment_id"]}
    )
    user = auth.create_user("mallory", "mallory-password")
    auth.grant(user[0], mine["experiment_id"], "EDIT")
    auth.grant(user[0], theirs["experiment_id"], "READ")
    body = {
        "run_id": run_mine.json()["run"]["info"]["run_id"],
        "run_uuid": run_theirs.json()["run"]["info"]["run_id"],
        "key": "k",
        "value": "v",
    }
    assert auth.call(user, "POST", API + "runs/set-tag", body).status_code == 403
    client = auth.as_user(*user)
    query = {"run_id": body["run_uuid"], "metric_key": "m"}
    # GET with a query string and a body naming different runs: both must be readable.
    response = client.request(
        "GET", API + "metrics/get-history", params=query, json={"run_id": body["run_id"]}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "password", ["", "short", "password1234", "aaaaaaaaaaaaaaaa", "weakuser-name"]
)
def test_empty_or_weak_passwords_are_refused(auth: AuthClient, password: str) -> None:
    """CVE-2025-11200: empty or trivially guessable passwords."""
    username = "weakuser-name"
    response = auth.call(
        ADMIN, "POST", API + "users/create", {"username": username, "password": password}
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert auth.call((username, password), "GET", API + "users/current").status_code == 401
    form = auth.anonymous().post(SIGN_IN, json={"username": username, "password": password})
    assert form.status_code == 401 and "set-cookie" not in form.headers
    for_admin = "admin-admin" if password == username else password  # the same kinds of weak
    change = {"username": "admin", "password": for_admin, "current_password": ADMIN[1]}
    assert auth.call(ADMIN, "PATCH", API + "users/update-password", change).status_code == 400
    assert auth.call(ADMIN, "GET", API + "users/current").status_code == 200


def test_start_up_refuses_without_an_admin_password(tmp_path: Path) -> None:
    config = write_auth_config(tmp_path)
    config.write_text(
        "\n".join(line for line in config.read_text().splitlines() if "admin_password" not in line)
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "runhub",
            "server",
            "--app-name",
            "basic-auth",
            "--port",
            "1",
            "--backend-store-uri",
            f"sqlite:///{tmp_path}/t.db",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"MLFLOW_AUTH_CONFIG_PATH": str(config), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "admin password" in lines[0] and "MLFLOW_AUTH_ADMIN_PASSWORD" in lines[0]


def test_non_admin_cannot_manage_users(auth: AuthClient) -> None:
    user = auth.create_user("eve", "eves-password-1")
    for method, path, body in (
        ("POST", "users/create", {"username": "eve2", "password": "another-pass-1"}),
        ("PATCH", "users/update-admin", {"username": "eve", "is_admin": True}),
        ("DELETE", "users/delete", {"username": "admin"}),
        ("PATCH", "users/update-password", {"username": "admin", "password": "pwned-password1"}),
        ("GET", "users/get", {"username": "admin"}),
    ):
        assert auth.call(user, method, API + path, body).status_code == 403, path
    assert auth.call(ADMIN, "GET", API + "users/current").status_code == 200
    me = auth.call(user, "GET", API + "users/current").json()["user"]
    assert me["is_admin"] is False


def test_changing_your_own_password_needs_the_current_one(auth: AuthClient) -> None:
    user = auth.create_user("frank", "franks-password")
    new = {"username": "frank", "password": "franks-new-password"}
    assert auth.call(user, "PATCH", API + "users/update-password", new).status_code == 400
    wrong = {**new, "current_password": "not-the-password"}
    assert auth.call(user, "PATCH", API + "users/update-password", wrong).status_code == 403
    right = {**new, "current_password": user[1]}
    assert auth.call(user, "PATCH", API + "users/update-password", right).status_code == 200
    assert auth.call(user, "GET", API + "users/current").status_code == 401
    assert auth.call(("frank", new["password"]), "GET", API + "users/current").status_code == 200


def _user_status(auth: AuthClient, username: str) -> int:
    return int(auth.call(ADMIN, "GET", API + "users/get", {"username": username}).status_code)


def test_sign_up_through_the_cookie_needs_the_token(auth: AuthClient) -> None:
    """CVE-2025-1473: a forged sign-up (user creation) riding an admin's browser sign-in."""
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    body = {"username": "mallory", "password": "mallorys-password-1"}
    for headers in (with_cookie(value), with_cookie(value, **{"x-csrf-token": "forged"})):
        response = client.post("/ajax-api/2.0/mlflow/users/create", json=body, headers=headers)
        assert response.status_code == 403
        assert "mallory" not in response.text
    assert _user_status(auth, "mallory") == 404
    done = client.post(
        "/ajax-api/2.0/mlflow/users/create",
        json=body,
        headers=with_cookie(value, **{"x-csrf-token": token}),
    )
    assert done.status_code == 200
    assert _user_status(auth, "mallory") == 200
