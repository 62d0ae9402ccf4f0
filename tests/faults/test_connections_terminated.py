"""The database ends the server's connections under write load (a restart, a failover, an
administrator): the requests that hit a dead connection get 503 in MLflow's shape on a
connection that stays usable, and the server recovers by itself."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.faults.load import (
    Writer,
    check_acknowledged_once,
    create_run,
    run_writers,
    stop_writers,
)
from tests.fixtures.databases import MARIADB_ADMIN, POSTGRES_ADMIN, fresh_database_url
from tests.runtime.live import running

THREADS = 4
KILLS = 3

KILL_SQL = {
    "postgresql": (
        POSTGRES_ADMIN,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()",
    ),
    "mariadb": (
        MARIADB_ADMIN,
        "SELECT id FROM information_schema.processlist WHERE db = :name AND id <> connection_id()",
    ),
}


@pytest.fixture(
    params=[
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mysql),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    for url in fresh_database_url(request.param, str(tmp_path)):
        yield request.param, url


def end_connections(kind: str, name: str) -> int:
    """End every connection to database ``name``; how many there were."""
    admin_url, sql = KILL_SQL[kind]
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.execute(text(sql), {"name": name}).fetchall()
            if kind == "mariadb":
                for (thread_id,) in found:
                    with contextlib.suppress(OperationalError):  # it ended meanwhile
                        conn.exec_driver_sql(f"KILL CONNECTION {int(thread_id)}")
            return len(found)
    finally:
        engine.dispose()


def test_connections_ended_under_load_answer_503_and_recover(
    backend: tuple[str, str], tmp_path: Path
) -> None:
    kind, uri = backend
    name = make_url(uri).database or ""
    with running(tmp_path, uri=uri) as server:
        base = f"http://127.0.0.1:{server.port}"
        run_id = create_run(base)
        writers = [Writer(base, run_id, f"m{i}") for i in range(THREADS)]
        run_writers(writers)
        ended = 0
        for _ in range(KILLS):
            time.sleep(0.5)
            ended += end_connections(kind, name)
        time.sleep(0.5)
        stop_writers(writers)
        assert ended > 0
        # Every answer was a 200 or a 503, never a reset connection or a 500.
        assert [f for w in writers for f in w.other_failures] == []
        assert all(w.connection_errors == 0 for w in writers)
        statuses = sum((w.statuses for w in writers), start=type(writers[0].statuses)())
        assert set(statuses) <= {200, 503}, statuses
        for error in (e for w in writers for e in w.errors):
            assert orjson.loads(error)["error_code"] == "TEMPORARILY_UNAVAILABLE", error
        # Each writer went on after its last error: the server recovered without a restart.
        assert all(w.acknowledged for w in writers)
        assert check_acknowledged_once(base, run_id, writers) > 0
        assert "Traceback" not in server.log_text()
