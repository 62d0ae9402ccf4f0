"""The real ASGI app on a real database, driven in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings


class Api:
    """A thin JSON client for the REST API: ``api.post("runs/create", {...})``."""

    def __init__(self, client: TestClient, prefix: str = "/api/2.0/mlflow/") -> None:
        self.client = client
        self.prefix = prefix

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        response = self.client.post(self.prefix + path, json=body)
        assert response.status_code == status, response.text
        return response.json()

    def get(self, path: str, params: Any = None, status: int = 200) -> Any:
        response = self.client.get(self.prefix + path, params=params)
        assert response.status_code == status, response.text
        return response.json()


def make_client(url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(backend_store_uri=url, artifacts_destination=str(tmp_path / "art"))
    prepare_database(settings)
    app = create_app(settings)
    with TestClient(app, base_url="http://localhost") as client:
        yield client


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    """The API on each backend (SQLite, PostgreSQL, MariaDB)."""
    for client in make_client(database_url, tmp_path):
        yield Api(client)


@pytest.fixture
def sqlite_api(sqlite_url: str, tmp_path: Path) -> Iterator[Api]:
    for client in make_client(sqlite_url, tmp_path):
        yield Api(client)
