"""Live ``runhub server`` processes for the runtime tests: free port, health wait, stop by PID."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    prefix: str = ""

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def get(self, path: str) -> tuple[int, bytes]:
        conn = self.connection()
        try:
            conn.request("GET", self.prefix + path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def start(
    tmp_path: Path,
    *args: str,
    uri: str | None = None,
    prefix: str = "",
    env: dict[str, str] | None = None,
) -> LiveServer:
    """Start ``runhub server ARGS`` in its own process group and wait for /health."""
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "runhub",
        "server",
        "--backend-store-uri",
        uri or f"sqlite:///{tmp_path}/runhub.db",
        "--artifacts-destination",
        str(tmp_path / "artifacts"),
        "--port",
        str(port),
        *args,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    server = LiveServer(process, port, log, prefix)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{server.log_text()}")
        with contextlib.suppress(OSError):
            if server.get("/health")[0] == 200:
                return server
        if time.monotonic() > deadline:
            stop(server)
            raise AssertionError(f"server did not become healthy:\n{server.log_text()}")
        time.sleep(0.1)


def stop(server: LiveServer, timeout: float = 30) -> int:
    """SIGTERM the server's process group, SIGKILL it if it lingers; its exit code."""
    for sig, wait_s in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        if server.process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=wait_s)
    return server.process.wait(timeout=10)


@contextlib.contextmanager
def running(tmp_path: Path, *args: str, **kw: Any) -> Iterator[LiveServer]:
    server = start(tmp_path, *args, **kw)
    try:
        yield server
    finally:
        stop(server)
