"""`runhub server` and `runhub db upgrade` as users run them: real processes, one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import text

from runhub.store.migrate import VERSION_TABLE
from runhub.store.sql.db import Database


def runhub(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runhub", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_port_in_use_is_one_line_with_a_fix(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runhub(
            "server", "--backend-store-uri", f"sqlite:///{tmp_path}/a.db", "--port", str(port)
        )
    assert "--port" in one_line_error(result)


def test_unreachable_database_names_host_and_port() -> None:
    port = free_port()
    result = runhub(
        "server",
        "--backend-store-uri",
        f"postgresql+psycopg://u@127.0.0.1:{port}/db",
        "--port",
        str(free_port()),
    )
    line = one_line_error(result)
    assert f"127.0.0.1:{port}" in line and "running" in line


def test_missing_driver_names_the_package() -> None:
    result = runhub(
        "server",
        "--backend-store-uri",
        "mssql+pymssql://u@127.0.0.1/db",
        "--port",
        str(free_port()),
    )
    assert "pymssql" in one_line_error(result)


def test_outdated_schema_is_refused_and_db_upgrade_fixes_it(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/old.db"
    assert runhub("db", "upgrade", uri).returncode == 0
    db = Database(uri)
    with db.write() as conn:
        conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    db.dispose()
    result = runhub("server", "--backend-store-uri", uri, "--port", str(free_port()))
    assert f"runhub db upgrade {uri}" in one_line_error(result)


def test_server_starts_serves_and_stops(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runhub",
            "server",
            "--backend-store-uri",
            f"sqlite:///{tmp_path}/s.db",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as response:
                    assert response.read() == b"OK"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (tmp_path / "s.db").exists()
