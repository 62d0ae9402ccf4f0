"""The real app on SQLite with webhooks allowed to reach the loopback receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings
from tests.api.conftest import Api
from tests.security.conftest import make_auth_client  # noqa: F401  (fixture)
from tests.webhooks.receiver import Receiver, webhook_receiver

SECRET_KEY = "test-server-key"


def app_api(tmp_path: Path, **webhook_settings: object) -> Iterator[Api]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path}/runhub.db",
        artifacts_destination=str(tmp_path / "art"),
        **webhook_settings,  # type: ignore[arg-type]
    )
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield Api(client)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """Loopback delivery explicitly allowed, as an operator would for an internal receiver."""
    yield from app_api(
        tmp_path,
        webhook_allowed_schemes="http,https",
        webhook_allow_private_targets=True,
        webhook_secret_key=SECRET_KEY,
        webhook_timeout=5.0,
        webhook_max_retries=2,
    )


@pytest.fixture
def strict_api(tmp_path: Path) -> Iterator[Api]:
    """The defaults: https only, no private targets, no secret key."""
    yield from app_api(tmp_path)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as r:
        yield r
