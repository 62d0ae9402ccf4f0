"""The web UI's sign-in cookie, through the front door of the real app and auth database:
the form, the cookie's attributes, forged and stale cookies, other workers, sign-out."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.config import Settings
from runhub.errors import StartupError
from runhub.security.auth.cookie import COOKIE_NAME, CookieSigner

from .conftest import ADMIN, SECRET_KEY, AuthClient

SIGN_IN = "/ajax-api/2.0/runhub/auth/sign-in"
SIGN_OUT = "/ajax-api/2.0/runhub/auth/sign-out"
STATUS = "/ajax-api/2.0/runhub/auth/status"
SEARCH = "/ajax-api/2.0/mlflow/experiments/search?max_results=10"


def sign_in(client: TestClient, who: tuple[str, str], url: str = SIGN_IN) -> tuple[str, str]:
    """(cookie value, CSRF token) of a successful sign-in; the client keeps no cookie jar."""
    client.auth = None
    response = client.post(url, json={"username": who[0], "password": who[1]})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    value = response.cookies[COOKIE_NAME]
    return value, response.json()["csrf_token"]


def with_cookie(value: str, **extra: str) -> dict[str, str]:
    return {"cookie": f"{COOKIE_NAME}={value}", **extra}


def set_cookie(response: object) -> str:
    return str(response.headers.get("set-cookie", ""))  # type: ignore[attr-defined]


def test_sign_in_sets_a_signed_http_only_cookie(auth: AuthClient) -> None:
    client = auth.anonymous()
    response = client.post(SIGN_IN, json={"username": ADMIN[0], "password": ADMIN[1]})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "admin" and body["user"]["is_admin"] is True
    assert len(body["csrf_token"]) >= 32
    header = set_cookie(response)
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes
    assert "samesite=lax" in header.lower() and "path=/;" in header.lower()
    assert "max-age=43200" in header.lower()
    assert "secure" not in attributes  # plain http: a Secure cookie would never come back
    assert ADMIN[1] not in header


def test_cookie_is_secure_over_https(auth: AuthClient) -> None:
    client = auth.anonymous()
    response = client.post(
        "https://localhost" + SIGN_IN, json={"username": ADMIN[0], "password": ADMIN[1]}
    )
    assert response.status_code == 200
    assert "secure" in [p.strip().lower() for p in set_cookie(response).split(";")]


def test_cookie_path_is_the_static_prefix(make_auth_client: Callable[..., AuthClient]) -> None:
    client = make_auth_client(static_prefix="/mlflow").anonymous()
    response = client.post("/mlflow" + SIGN_IN, json={"username": ADMIN[0], "password": ADMIN[1]})
    assert "path=/mlflow;" in set_cookie(response).lower()
    client.cookies.clear()
    value = response.cookies[COOKIE_NAME]
    assert client.get("/mlflow" + SEARCH, headers=with_cookie(value)).status_code == 200


def test_the_cookie_signs_requests_in(auth: AuthClient) -> None:
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    found = client.get(SEARCH, headers=with_cookie(value))
    assert found.status_code == 200
    assert [e["name"] for e in found.json()["experiments"]] == ["Default"]
    status = client.get(STATUS, headers=with_cookie(value)).json()
    assert status == {"user": status["user"], "csrf_token": token}
    assert status["user"]["username"] == "admin"
    # Basic clients have no CSRF token: they need none.
    assert auth.call(ADMIN, "GET", STATUS).json()["csrf_token"] is None


@pytest.mark.parametrize(
    "who", [("admin", "wrong-password-123"), ("nobody", "some-password-12"), ("admin", "")]
)
def test_wrong_credentials_set_no_cookie(auth: AuthClient, who: tuple[str, str]) -> None:
    client = auth.anonymous()
    response = client.post(SIGN_IN, json={"username": who[0], "password": who[1]})
    assert response.status_code == 401
    assert response.json() == {
        "error_code": "UNAUTHENTICATED",
        "message": "Wrong username or password.",
    }
    assert "set-cookie" not in response.headers
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"username": "admin", "password": "admin-password-1234"}'),
        ("application/x-www-form-urlencoded", "username=admin&password=admin-password-1234"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("", '{"username": "admin", "password": "admin-password-1234"}'),
    ],
)
def test_sign_in_takes_only_json(auth: AuthClient, content_type: str, body: str) -> None:
    """Login CSRF: a cross-site page can post a form or text/plain, never JSON."""
    client = auth.anonymous()
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(SIGN_IN, content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error_code"] == "BAD_REQUEST"
    assert "application/json" in response.json()["message"]
    assert "set-cookie" not in response.headers


def _forgeries(value: str) -> list[str]:
    payload, _, signature = value.partition(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    other_key = CookieSigner("another-secret-key", 3600)
    a_day_ago = CookieSigner(SECRET_KEY, 43200)
    return [
        f"{payload}.{flipped}",  # tampered signature
        f"{payload[:-3]}xyz.{signature}",  # tampered payload
        payload,  # no signature
        other_key.issue(1, "whatever")[0],  # signed with another key
        a_day_ago.issue(1, "whatever", now=time.time() - 86400)[0],  # expired
        "garbage",
    ]


def test_forged_tampered_and_expired_cookies_are_refused(auth: AuthClient) -> None:
    client = auth.anonymous()
    value, _ = sign_in(client, ADMIN)
    for forged in _forgeries(value):
        response = client.get(SEARCH, headers=with_cookie(forged))
        assert response.status_code == 401, forged
        assert response.json()["error_code"] == "UNAUTHENTICATED"
        assert "www-authenticate" not in response.headers  # the UI's form, not a prompt
        assert "Default" not in response.text
        assert f"{COOKIE_NAME}=;" in set_cookie(response)  # the browser forgets it


def test_an_expired_cookie_of_a_real_user_is_refused(auth: AuthClient) -> None:
    """Signed with the server's own key and the admin's real fingerprint, but too old."""
    client = auth.anonymous()
    app_auth = client.app.state.auth  # type: ignore[attr-defined]
    user, password_hash = app_auth.store.user_and_hash(1)
    assert user.username == "admin"
    old, _ = app_auth.cookies.issue(1, password_hash, now=time.time() - 12 * 3600 - 5)
    fresh, _ = app_auth.cookies.issue(1, password_hash)
    assert client.get(SEARCH, headers=with_cookie(old)).status_code == 401
    assert client.get(SEARCH, headers=with_cookie(fresh)).status_code == 200


def test_another_worker_with_the_same_key_accepts_the_cookie(
    make_auth_client: Callable[..., AuthClient],
) -> None:
    first = make_auth_client()
    value, token = sign_in(first.anonymous(), ADMIN)
    second = make_auth_client().anonymous()  # a new app on the same databases and key
    assert second.get(SEARCH, headers=with_cookie(value)).status_code == 200
    created = second.post(
        "/ajax-api/2.0/mlflow/experiments/create",
        json={"name": "from-worker-two"},
        headers=with_cookie(value, **{"x-csrf-token": token}),
    )
    assert created.status_code == 200
    other_key = make_auth_client(server_secret_key="a-different-key").anonymous()
    assert other_key.get(SEARCH, headers=with_cookie(value)).status_code == 401


def test_a_changed_password_or_deleted_user_ends_the_sign_in(auth: AuthClient) -> None:
    auth.create_user("carol", "carols-password-1")
    client = auth.anonymous()
    value, _ = sign_in(client, ("carol", "carols-password-1"))
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 200
    change = {"username": "carol", "password": "carols-password-2"}
    assert auth.call(ADMIN, "PATCH", "/api/2.0/mlflow/users/update-password", change).is_success
    client = auth.anonymous()
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 401

    value, _ = sign_in(client, ("carol", "carols-password-2"))
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 200
    gone = auth.call(ADMIN, "DELETE", "/api/2.0/mlflow/users/delete", {"username": "carol"})
    assert gone.status_code == 200
    assert auth.anonymous().get(SEARCH, headers=with_cookie(value)).status_code == 401


def test_sign_out_removes_the_cookie(auth: AuthClient) -> None:
    client = auth.anonymous()
    response = client.post(SIGN_OUT)
    assert response.status_code == 200
    header = set_cookie(response).lower()
    assert header.startswith(f"{COOKIE_NAME}=;") and "max-age=0" in header
    assert "path=/;" in header and "httponly" in header


def test_the_web_page_loads_without_credentials(auth: AuthClient) -> None:
    """The page and its assets hold no data; the app shows its sign-in form on a 401."""
    client = auth.anonymous()
    page = client.get("/experiments/0")
    assert page.status_code == 200 and "www-authenticate" not in page.headers
    api = client.get("/api/2.0/mlflow/experiments/search")
    assert api.headers["www-authenticate"] == 'Basic realm="mlflow"'  # API clients keep it


def test_basic_auth_needs_a_secret_key(tmp_path: Path) -> None:
    from .conftest import write_auth_config

    config = write_auth_config(tmp_path)
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path}/t.db",
        app_name="basic-auth",
        auth_config_path=str(config),
    )
    with pytest.raises(StartupError, match="MLFLOW_FLASK_SERVER_SECRET_KEY"):
        create_app(settings)


def test_start_up_refuses_without_the_secret_key(tmp_path: Path) -> None:
    from .conftest import write_auth_config

    config = write_auth_config(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "runhub", "server", "--app-name", "basic-auth", "--port", "1",
         "--backend-store-uri", f"sqlite:///{tmp_path}/t.db"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"MLFLOW_AUTH_CONFIG_PATH": str(config), "PATH": "/usr/bin:/bin"},
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "MLFLOW_FLASK_SERVER_SECRET_KEY" in lines[0] and "every worker" in lines[0]


def test_sign_out_ends_the_sign_in_for_every_copy_of_the_cookie(auth: AuthClient) -> None:
    client = auth.anonymous()
    value, token = sign_in(client, ADMIN)
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 200
    # Another site cannot sign the user out: without the CSRF token nothing ends.
    refused = client.post(SIGN_OUT, headers=with_cookie(value))
    assert refused.status_code == 403
    assert refused.json()["error_code"] == "PERMISSION_DENIED"
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 200
    ended = client.post(SIGN_OUT, headers=with_cookie(value, **{"x-csrf-token": token}))
    assert ended.status_code == 200
    client.cookies.clear()
    # A copy of the cookie kept elsewhere no longer signs anyone in, on any worker.
    assert client.get(SEARCH, headers=with_cookie(value)).status_code == 401
    again, _ = sign_in(client, ADMIN)  # a new sign-in is unaffected
    assert client.get(SEARCH, headers=with_cookie(again)).status_code == 200
