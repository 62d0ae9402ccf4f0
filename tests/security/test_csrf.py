"""CSRF protection of requests the sign-in cookie authenticates, without a browser: each
forged write is refused with 403 and nothing is written (checked through the API)."""

from __future__ import annotations

import pytest

from .conftest import ADMIN, AuthClient
from .test_signin import sign_in, with_cookie

CREATE_EXP = "/ajax-api/2.0/mlflow/experiments/create"


def experiment_names(auth: AuthClient) -> list[str]:
    found = auth.call(ADMIN, "POST", "/api/2.0/mlflow/experiments/search", {"max_results": 100})
    return sorted(e["name"] for e in found.json()["experiments"])


def test_a_cookie_write_needs_the_csrf_token(auth: AuthClient) -> None:
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    other_value, other_token = sign_in(client, ADMIN)  # a second sign-in: its own token
    assert other_token != token
    refused = {
        "no token": with_cookie(value),
        "empty token": with_cookie(value, **{"x-csrf-token": ""}),
        "wrong token": with_cookie(value, **{"x-csrf-token": "A" * 43}),
        "another sign-in's token": with_cookie(value, **{"x-csrf-token": other_token}),
        "this token, another sign-in's cookie": with_cookie(other_value, **{"x-csrf-token": token}),
    }
    for why, headers in refused.items():
        response = client.post(CREATE_EXP, json={"name": f"csrf {why}"}, headers=headers)
        assert response.status_code == 403, why
        body = response.json()
        assert body["error_code"] == "PERMISSION_DENIED" and "X-CSRF-Token" in body["message"]
    assert experiment_names(auth) == ["Default"]

    accepted = client.post(
        CREATE_EXP,
        json={"name": "with the token"},
        headers=with_cookie(value, **{"x-csrf-token": token}),
    )
    assert accepted.status_code == 200, accepted.text
    assert experiment_names(auth) == ["Default", "with the token"]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_every_writing_method_is_checked(auth: AuthClient, method: str) -> None:
    auth.create_user("dora", "doras-password-1")
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    path, body = (
        ("/ajax-api/2.0/mlflow/users/update-admin", {"username": "dora", "is_admin": True})
        if method == "PATCH"
        else ("/ajax-api/2.0/mlflow/users/delete", {"username": "dora"})
    )
    refused = client.request(method, path, json=body, headers=with_cookie(value))
    assert refused.status_code == 403
    user = auth.call(ADMIN, "GET", "/api/2.0/mlflow/users/get", {"username": "dora"}).json()
    assert user["user"]["is_admin"] is False
    done = client.request(
        method, path, json=body, headers=with_cookie(value, **{"x-csrf-token": token})
    )
    assert done.status_code == 200, done.text


def test_reads_and_basic_clients_need_no_token(auth: AuthClient) -> None:
    client = auth.anonymous()
    value, _ = sign_in(client, ADMIN)
    read = client.get(
        "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0", headers=with_cookie(value)
    )
    assert read.status_code == 200
    basic = auth.call(ADMIN, "POST", CREATE_EXP, {"name": "by basic auth"})
    assert basic.status_code == 200
    assert "by basic auth" in experiment_names(auth)


def test_a_cross_site_write_with_the_cookie_is_blocked_before_csrf(auth: AuthClient) -> None:
    """The CORS middleware's cross-origin block stays in front of the token check."""
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    headers = with_cookie(value, **{"x-csrf-token": token, "origin": "https://evil.example"})
    response = client.post(CREATE_EXP, json={"name": "cross-site"}, headers=headers)
    assert response.status_code == 403
    assert experiment_names(auth) == ["Default"]
