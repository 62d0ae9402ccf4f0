"""The lock-out after failed logins, through the sign-in form and HTTP Basic, counted in the
auth database so every worker sees the same counts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runhub.errors import StartupError
from runhub.security.auth.config import load_auth_config

from .conftest import ADMIN, AuthClient, write_auth_config
from .test_signin import SIGN_IN

LIMITS = {
    "max_failed_logins": "3",
    "max_failed_logins_per_address": "6",
    "failed_login_window_seconds": "60",
    "login_lockout_seconds": "2",
}
CURRENT = "/api/2.0/mlflow/users/current"


def form(auth: AuthClient, who: tuple[str, str]) -> Any:
    client = auth.anonymous()
    response = client.post(SIGN_IN, json={"username": who[0], "password": who[1]})
    client.cookies.clear()
    return response


def assert_locked(response: Any) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["error_code"] == "RESOURCE_EXHAUSTED" and "retry in" in body["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 2
    assert "set-cookie" not in response.headers


@pytest.fixture
def limited(make_auth_client: Callable[..., AuthClient]) -> AuthClient:
    return make_auth_client(auth_config=LIMITS)


def test_the_form_locks_out_a_username_even_for_the_right_password(limited: AuthClient) -> None:
    for _ in range(3):
        assert form(limited, ("admin", "wrong-password-123")).status_code == 401
    assert_locked(form(limited, ADMIN))
    # Basic credentials for the same user are locked too (one count for both doors).
    assert_locked(limited.call(ADMIN, "GET", CURRENT))
    # Other users are not affected.
    assert limited.call(None, "GET", "/health").status_code == 200
    time.sleep(2.1)
    assert form(limited, ADMIN).status_code == 200
    assert limited.call(ADMIN, "GET", CURRENT).status_code == 200


def test_basic_auth_locks_out_after_failures(limited: AuthClient) -> None:
    limited.create_user("erin", "erins-password-12")
    for _ in range(3):
        response = limited.call(("erin", "not-her-password"), "GET", CURRENT)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Basic realm="mlflow"'
    assert_locked(limited.call(("erin", "erins-password-12"), "GET", CURRENT))
    assert_locked(form(limited, ("erin", "erins-password-12")))
    assert limited.call(ADMIN, "GET", CURRENT).status_code == 200


def test_a_right_password_resets_the_username_count(limited: AuthClient) -> None:
    for _ in range(2):
        form(limited, ("admin", "wrong-password-123"))
    assert form(limited, ADMIN).status_code == 200
    for _ in range(2):
        form(limited, ("admin", "wrong-password-123"))
    assert form(limited, ADMIN).status_code == 200


def test_one_address_guessing_many_usernames_is_locked_out(limited: AuthClient) -> None:
    for i in range(6):
        assert form(limited, (f"guess-{i}", "some-password-12")).status_code == 401
    assert_locked(form(limited, (f"guess-{99}", "some-password-12")))
    assert_locked(limited.call(ADMIN, "GET", CURRENT))  # the address is locked for all


def test_the_lock_is_shared_by_every_worker(make_auth_client: Callable[..., AuthClient]) -> None:
    first = make_auth_client(auth_config=LIMITS)
    for _ in range(3):
        form(first, ("admin", "wrong-password-123"))
    second = make_auth_client(auth_config=LIMITS)  # another app on the same auth database
    assert_locked(form(second, ADMIN))


def test_bearer_tokens_are_not_locked_out(limited: AuthClient) -> None:
    token = limited.call(ADMIN, "POST", "/api/2.0/runhub/access-tokens/create", {"name": "ci"})
    secret = token.json()["token"]
    for _ in range(3):
        form(limited, ("admin", "wrong-password-123"))
    client = limited.anonymous()
    response = client.get(CURRENT, headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_bad_limits_are_one_clear_error(tmp_path: Path, value: str) -> None:
    path = write_auth_config(tmp_path, max_failed_logins=value)
    with pytest.raises(StartupError, match="max_failed_logins must be a whole number"):
        load_auth_config(str(path))
