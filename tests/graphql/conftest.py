"""The real app on SQLite, plus the basic-auth app for the permission tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, make_client
from tests.security.conftest import make_auth_client  # noqa: F401  (fixture)


@pytest.fixture
def api(sqlite_url: str, tmp_path: Path) -> Iterator[Api]:
    for client in make_client(sqlite_url, tmp_path):
        yield Api(client)
