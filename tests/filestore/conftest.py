"""A runhub server on a file store (an mlruns directory), and MLflow's FileStore beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from tests.fixtures.live_server import LiveServer, free_port, live_process

SCRIPT = Path(__file__).with_name("mlflow_filestore.py")


@contextmanager
def file_store_server(tmp: Path, root: Path, *extra: str) -> Iterator[LiveServer]:
    """``runhub server --backend-store-uri <root>`` on a free loopback port."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "runhub",
        "server",
        "--backend-store-uri",
        str(root),
        "--artifacts-destination",
        str(tmp / "mlartifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    with live_process(cmd, tmp, port, "/health") as server:
        yield server


def mlflow_filestore(action: str, target: Path | str) -> Any:
    """Run the stock mlflow client on ``target`` (a root or a URL) in a subprocess; its JSON."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), action, str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Api:
    """JSON calls to a runhub server's REST API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def call(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        resp = self.session.request(
            method, f"{self.url}/api/2.0/mlflow/{path}", json=body, params=params, timeout=60
        )
        assert resp.status_code == 200, f"{method} {path}: {resp.status_code} {resp.text[:500]}"
        return resp.json()

    def error(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        """A call that must fail: (status, error_code, message)."""
        resp = self.session.request(
            method, f"{self.url}/api/2.0/mlflow/{path}", json=body, params=params, timeout=60
        )
        assert resp.status_code >= 400, f"{method} {path} succeeded: {resp.text[:300]}"
        found = resp.json()
        return resp.status_code, found["error_code"], found["message"]
