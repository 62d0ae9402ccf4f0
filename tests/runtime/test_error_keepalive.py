"""An error response leaves the keep-alive connection usable and is logged once.

runhub's app is served by a real uvicorn on loopback, with one extra route that fails the way a
server bug would; the client's next request must go out on the same socket.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings

from .live import free_port


async def _server_bug(_request: Request) -> Response:
    raise RuntimeError("a bug in a handler")


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path}/runhub.db",
        artifacts_destination=str(tmp_path / "artifacts"),
    )
    prepare_database(settings)
    app = create_app(settings)
    app.router.routes.insert(0, Route("/test-only/bug", _server_bug))
    chosen = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=chosen, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield chosen
    server.should_exit = True
    thread.join(timeout=10)


def _send(conn: http.client.HTTPConnection, method: str, path: str) -> tuple[int, bytes, str]:
    conn.request(method, path)
    response = conn.getresponse()
    return response.status, response.read(), response.getheader("connection") or ""


def test_errors_keep_the_connection(port: int, caplog: pytest.LogCaptureFixture) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        status, _, _ = _send(conn, "GET", "/health")
        assert status == 200
        socket_before = conn.sock
        for method, path, expected in (
            ("GET", "/test-only/bug", 500),
            ("GET", "/api/2.0/mlflow/runs/get?run_id=" + "0" * 32, 404),
            ("POST", "/api/2.0/mlflow/experiments/create", 400),
            ("GET", "/test-only/bug", 500),
        ):
            with caplog.at_level(logging.ERROR):
                status, body, connection = _send(conn, method, path)
            assert status == expected, body
            assert connection.lower() != "close"
            assert b'"error_code"' in body
            # The next request goes out on the very same socket and is answered.
            status, _, _ = _send(conn, "GET", "/health")
            assert status == 200
            assert conn.sock is socket_before
    finally:
        conn.close()
    tracebacks = [r for r in caplog.records if r.exc_info is not None]
    assert len(tracebacks) == 2, [r.getMessage() for r in tracebacks]
    assert all(r.name == "runhub" for r in tracebacks)
