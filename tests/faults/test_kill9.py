"""kill -9 under write load: every write the server acknowledged is there after a restart,
exactly once, and the database is intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.load import Writer, check_acknowledged_once, create_run, run_writers
from tests.fixtures.databases import fresh_database_url
from tests.runtime.live import start, stop

LOAD_S = 2.0
THREADS = 4


@pytest.fixture(
    params=[
        pytest.param(("sqlite", "fast"), id="sqlite-fast"),
        pytest.param(("sqlite", "full"), id="sqlite-full"),
        pytest.param(("postgresql", "fast"), id="postgresql", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    kind, durability = request.param
    for url in fresh_database_url(kind, str(tmp_path)):
        yield url, durability


def test_acknowledged_writes_survive_kill_9(backend: tuple[str, str], tmp_path: Path) -> None:
    uri, durability = backend
    server = start(tmp_path, "--durability", durability, uri=uri)
    base = f"http://127.0.0.1:{server.port}"
    try:
        run_id = create_run(base)
        writers = [Writer(base, run_id, f"m{i}") for i in range(THREADS)]
        run_writers(writers)
        time.sleep(LOAD_S)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        for writer in writers:
            writer.join(30)
    finally:
        stop(server)
    # Each writer's last request failed (refused, reset, or its answer cut short).
    ended = [w.connection_errors + len(w.other_failures) for w in writers]
    assert ended == [1] * THREADS, "the kill did not cut the load"
    assert all(w.acknowledged for w in writers), [w.statuses for w in writers]
    assert all(set(w.statuses) == {200} for w in writers), [w.errors[:3] for w in writers]

    if uri.startswith("sqlite:"):
        with sqlite3.connect(uri.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    restarted = start(tmp_path, "--durability", durability, uri=uri)
    try:
        checked = check_acknowledged_once(f"http://127.0.0.1:{restarted.port}", run_id, writers)
    finally:
        stop(restarted)
    assert checked > 0
