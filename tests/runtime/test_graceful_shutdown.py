"""SIGTERM lets a request in flight finish, then the server exits cleanly, on every server."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import orjson
import pytest

from tests.runtime.live import start, stop

SERVERS = {
    "uvicorn": (),
    "uvicorn-2-workers": ("--workers", "2"),
    "gunicorn": ("--gunicorn-opts", "--log-level warning"),
    "waitress": ("--waitress-opts", "--threads=2"),
}


def read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before the response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of the body"
        body += chunk
    assert head.startswith(b"HTTP/1.1 200"), head
    return body


@pytest.mark.parametrize("name", list(SERVERS))
def test_sigterm_finishes_the_request_in_flight(name: str, tmp_path: Path) -> None:
    server = start(tmp_path, *SERVERS[name])
    try:
        body = orjson.dumps({"name": f"graceful-{name}"})
        head = (
            "POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
            # The request is in flight: its headers are in, half of its body is not.
            sock.sendall(head + body[:5])
            time.sleep(0.5)
            os.killpg(server.process.pid, signal.SIGTERM)
            time.sleep(0.5)
            sock.sendall(body[5:])
            answer = orjson.loads(read_response(sock))
        assert answer["experiment_id"]
        # uvicorn re-raises the signal once it has shut down cleanly, so -SIGTERM is clean too.
        assert server.process.wait(timeout=30) in (0, -signal.SIGTERM), server.log_text()
        assert "Traceback" not in server.log_text()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    finally:
        stop(server)
