"""A moto S3 server for the S3 store tests, and a fresh bucket per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer, moto_s3, s3_client


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with moto_s3(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def bucket(moto_server: LiveServer) -> Iterator[tuple[Any, str]]:
    """A new empty bucket on the moto server, and a boto3 client for checking it."""
    client: Any = s3_client(moto_server.url)
    name = f"runhub-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield client, name
