"""The security options reach a real server started from the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_options_reach_the_server(tmp_path: Path) -> None:
    port = _free_port()
    command = [
        sys.executable, "-m", "runhub", "server",
        "--backend-store-uri", f"sqlite:///{tmp_path}/m.db",
        "--artifacts-destination", str(tmp_path / "a"),
        "--port", str(port),
        "--allowed-hosts", "mlflow.test:*",
        "--x-frame-options", "deny",
        "--max-request-body-size", "2048",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        search = f"{url}/api/2.0/mlflow/experiments/search?max_results=5"
        named = requests.get(search, headers={"Host": f"mlflow.test:{port}"}, timeout=10)
        assert named.status_code == 200
        assert named.headers["X-Frame-Options"] == "DENY"
        assert requests.get(search, timeout=10).status_code == 403  # Host: 127.0.0.1 not listed
        big = requests.post(
            f"{url}/api/2.0/mlflow/experiments/create",
            json={"name": "x" * 4096},
            headers={"Host": f"mlflow.test:{port}"},
            timeout=10,
        )
        assert big.status_code == 413
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
