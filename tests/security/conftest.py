"""The real app on a real SQLite database, built with the security settings a test asks for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    """``make_client(allowed_hosts=..., base_url=...)``: a client of an app with those settings."""
    url = f"sqlite:///{tmp_path}/runhub.db"
    prepare_database(Settings(backend_store_uri=url))
    with ExitStack() as stack:

        def build(base_url: str = "http://localhost", **options: Any) -> TestClient:
            settings = Settings(
                backend_store_uri=url, artifacts_destination=str(tmp_path / "art"), **options
            )
            client = TestClient(create_app(settings), base_url=base_url)
            return stack.enter_context(client)

        yield build


ADMIN = ("admin", "admin-password-1234")
# MLFLOW_FLASK_SERVER_SECRET_KEY of the apps these fixtures build (basic auth requires one).
SECRET_KEY = "test-secret-key-for-sign-in-cookies"


def write_auth_config(tmp_path: Path, default_permission: str = "READ", **extra: str) -> Path:
    lines = [
        "[mlflow]",
        f"default_permission = {default_permission}",
        f"database_uri = sqlite:///{tmp_path}/auth.db",
        f"admin_username = {ADMIN[0]}",
        f"admin_password = {ADMIN[1]}",
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    path = tmp_path / "auth.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


class AuthClient:
    """The app under basic auth; ``as_user(name, password)`` gives a client with credentials."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def as_user(self, username: str, password: str) -> TestClient:
        self.client.auth = (username, password)
        return self.client

    def anonymous(self) -> TestClient:
        self.client.auth = None
        return self.client

    def admin(self) -> TestClient:
        return self.as_user(*ADMIN)

    def call(self, who: tuple[str, str] | None, method: str, path: str, body: Any = None) -> Any:
        client = self.anonymous() if who is None else self.as_user(*who)
        if method == "GET":
            return client.get(path, params=body)
        return client.request(method, path, json=body)

    def create_user(self, username: str, password: str) -> tuple[str, str]:
        return self.create_user_at("", username, password)

    def create_user_at(self, prefix: str, username: str, password: str) -> tuple[str, str]:
        body = {"username": username, "password": password}
        response = self.call(ADMIN, "POST", prefix + "/api/2.0/mlflow/users/create", body)
        assert response.status_code == 200, response.text
        return username, password

    def grant(self, username: str, experiment_id: str, permission: str) -> None:
        self.grant_at("", username, experiment_id, permission)

    def grant_at(self, prefix: str, username: str, experiment_id: str, permission: str) -> None:
        body = {
            "username": username,
            "resource_type": "experiment",
            "resource_id": experiment_id,
            "permission": permission,
        }
        path = prefix + "/api/3.0/mlflow/users/permissions/grant"
        response = self.call(ADMIN, "POST", path, body)
        assert response.status_code == 200, response.text


@pytest.fixture
def make_auth_client(tmp_path: Path) -> Iterator[Callable[..., AuthClient]]:
    """``make_auth_client(default_permission="READ", auth_config={...}, **settings)``: the
    app with basic auth; ``auth_config`` adds lines to the auth ini file."""
    from runhub.security.auth.service import prepare_auth

    url = f"sqlite:///{tmp_path}/runhub.db"
    with ExitStack() as stack:

        def build(
            default_permission: str = "READ",
            auth_config: dict[str, str] | None = None,
            **options: Any,
        ) -> AuthClient:
            config = write_auth_config(tmp_path, default_permission, **(auth_config or {}))
            options.setdefault("server_secret_key", SECRET_KEY)
            settings = Settings(
                backend_store_uri=url,
                artifacts_destination=str(tmp_path / "art"),
                app_name="basic-auth",
                auth_config_path=str(config),
                **options,
            )
            prepare_database(settings)
            prepare_auth(str(config))
            client = TestClient(create_app(settings), base_url="http://localhost")
            return AuthClient(stack.enter_context(client))

        yield build


@pytest.fixture
def auth(make_auth_client: Callable[..., AuthClient]) -> AuthClient:
    return make_auth_client()
